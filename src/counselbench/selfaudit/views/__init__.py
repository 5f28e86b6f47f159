"""Self-audit pages, one module per part of the audit."""
