"""Intake pages. Each module ends with its own `urlpatterns`, which intake/urls.py joins: the
public pages (intake, booking, cancellation, calendar feeds), the leads board, reception, and the
firm's booking settings."""
