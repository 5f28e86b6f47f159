"""Background jobs for matters (filled in by the alerts work)."""
