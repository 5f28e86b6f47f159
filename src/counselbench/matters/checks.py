"""Deployment checks for matters (filled in by the documents work)."""
