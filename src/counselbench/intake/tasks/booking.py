"""Background jobs for intake (booking): thin wrappers around services."""
