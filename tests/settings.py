"""Test settings: the real settings module, with test-speed choices that change no behaviour."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))
os.environ.setdefault("TASK_BACKEND", "immediate")
os.environ.setdefault("LOG_FORMAT", "text")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("API_RATE_ANONYMOUS", "100000/m")
os.environ.setdefault("API_RATE_AUTHENTICATED", "100000/m")

from counselbench.settings import *  # noqa: F403

# Argon2 is what production uses (asserted in tests/accounts); MD5 keeps fixtures fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
