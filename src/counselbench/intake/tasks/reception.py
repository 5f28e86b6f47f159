"""Background jobs for intake (reception): thin wrappers around services."""
