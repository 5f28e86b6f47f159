"""Background jobs for intake (leads): thin wrappers around services."""
