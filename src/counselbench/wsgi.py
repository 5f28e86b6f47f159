"""WSGI entry point for gunicorn (`counselbench serve`) or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counselbench.settings")
application = get_wsgi_application()
