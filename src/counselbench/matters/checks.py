"""Deployment checks for matter documents: the master keys must parse (an Error on every run, so a
typo stops the server rather than the first upload), and a deployment should not rely on the key
derived from SECRET_KEY (a Warning under --deploy)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from counselbench.matters import crypto


@register(Tags.security)
def check_document_keys_parse(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        crypto.keyring()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="matters.E001")]
    return []


@register(Tags.security, deploy=True)
def check_document_keys_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if (settings.DOCUMENT_KEYS or "").strip():
        return []
    return [
        Warning(
            "DOCUMENT_KEYS is not set: matter documents are encrypted under a key derived from "
            "SECRET_KEY, so anyone with SECRET_KEY can read them, and changing SECRET_KEY makes "
            "them unreadable.",
            hint=(
                "Set DOCUMENT_KEYS=id:base64-of-32-random-bytes (see docs/documents.md), then run "
                "`counselbench rotate-document-keys`."
            ),
            id="matters.W001",
        )
    ]
