"""Insights services: metrics (read-only figures), scaling signals, review cadence, surveys."""
