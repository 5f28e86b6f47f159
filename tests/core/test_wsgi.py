"""The WSGI entry point loads the whole app before the first request and freezes it out of the
garbage collector's generations (a sixth of a public submission's CPU went to collections
walking the app's own objects, bench/intake.py)."""

import os
import subprocess
import sys

import pytest

PROBE = """
import gc, sys
before = gc.get_freeze_count()
import counselbench.wsgi
print(before, gc.get_freeze_count(), "counselbench.intake.views.public" in sys.modules)
"""


@pytest.mark.once  # a fresh interpreter, whatever the suite runs on
def test_the_wsgi_module_loads_every_view_and_freezes_them(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DEBUG="true", DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    before, after, views_loaded = result.stdout.split()
    assert before == "0"
    # Everything Django and the views loaded: far more than a bare interpreter's objects.
    assert int(after) > 100_000
    assert views_loaded == "True"
