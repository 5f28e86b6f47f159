"""Background jobs for intake: thin wrappers around services, one module per part."""

from counselbench.intake.tasks import booking, leads, reception  # noqa: F401
