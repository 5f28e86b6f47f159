"""WSGI entry point for gunicorn (`counselbench serve`) or any WSGI server."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counselbench.settings")
application = get_wsgi_application()

# Import the URLconf and with it every view now, as the first request would, then freeze what is
# loaded: the app's hundreds of thousands of long-lived objects (modules, classes, the URL
# resolver) leave the cyclic garbage collector's generations, so its collections during requests
# walk only what requests allocate. That was ~15 % of a public intake submission's CPU
# (bench/intake.py). Frozen objects are still freed by reference counting.
get_resolver().url_patterns  # noqa: B018 (the import is the point)
gc.freeze()
