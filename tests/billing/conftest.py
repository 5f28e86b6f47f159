"""Billing tests reuse the matters cast: a consented, conflict-checked matter and the contractor's
active engagement (tests/matters/conftest.py)."""

from tests.matters.conftest import delegation, documents_storage  # noqa: F401
