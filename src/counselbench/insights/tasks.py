"""Background jobs for insights: thin wrappers around services."""
