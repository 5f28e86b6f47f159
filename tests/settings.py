"""Test settings: the real settings module, with test-speed choices that change no behaviour."""

import os

# Test defaults, applied only while the real settings module reads the environment, so that
# subprocesses started by tests (the CLI, gunicorn) see the environment they would in real use.
_TEST_DEFAULTS = {
    "SECRET_KEY": "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "DEBUG": "false",
    "DATA_DIR": os.path.join(os.path.dirname(__file__), "..", "var", "test"),
    "TASK_BACKEND": "immediate",
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "WARNING",
    "API_RATE_ANONYMOUS": "100000/m",
    "API_RATE_AUTHENTICATED": "100000/m",
}
_added = {key: value for key, value in _TEST_DEFAULTS.items() if key not in os.environ}
os.environ.update(_added)
try:
    from counselbench.settings import *  # noqa: F403
finally:
    for key in _added:
        del os.environ[key]

# Argon2 is what production uses (asserted in tests/accounts); MD5 keeps fixtures fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Look static files up when asked instead of indexing all of them whenever a middleware chain is
# built: every test client builds one, and the index cost ~7 ms a client (the authorization matrix
# alone makes thousands of clients). The files and headers served are the same.
WHITENOISE_AUTOREFRESH = True
# Tests change a firm's intake profile with queryset updates and expect the next request to see
# it; tests/intake/test_public_cache.py turns the per-process memo on.
INTAKE_PUBLIC_CACHE_SECONDS = 0
