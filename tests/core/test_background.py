"""The background-task backends and structured logging, as configured from the environment."""

import json
import os
import subprocess
import sys

import pytest

from tests.core.local_redis import needs_redis

SNIPPET = """
import django, logging
django.setup()
from django.conf import settings
{body}
"""


def _python(body: str, **env) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full_env.update(
        {
            "DJANGO_SETTINGS_MODULE": "counselbench.settings",
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-c", SNIPPET.format(body=body)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=240,  # migrates a fresh database: slow on a busy 2-core machine
        check=False,
    )


def test_logs_are_json_lines_in_production(tmp_path):
    result = _python(
        "logging.getLogger('counselbench.test').warning('invitation sent')", DATA_DIR=str(tmp_path)
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "invitation sent"
    assert line["level"] == "WARNING" and line["logger"] == "counselbench.test"


def test_the_redis_backend_needs_redis_url(tmp_path):
    result = _python("", TASK_BACKEND="redis", REDIS_URL="", DATA_DIR=str(tmp_path))
    assert result.returncode != 0 and "TASK_BACKEND=redis needs REDIS_URL" in result.stderr


@pytest.mark.once  # a subprocess with its own SQLite file and Redis
@needs_redis
def test_the_redis_backend_queues_in_redis_and_an_rq_worker_runs_the_job(tmp_path):
    """Enqueue through Django's tasks API into Redis, then drain it with a burst RQ worker."""
    body = """
from django_tasks import task_backends
from counselbench.core.tasks import prune_periodic_runs
from django.core.management import call_command
call_command("migrate", "core", verbosity=0)  # the job's table only: 2 s, not the app's 14 s
import django_rq
queue = django_rq.get_queue("default")
queue.empty()
result = prune_periodic_runs.enqueue()
print("backend", type(task_backends["default"]).__name__, "queued", queue.count)
call_command("rqworker", "default", burst=True, job_class="django_tasks_rq.Job", verbosity=0)
result.refresh()
print("status", result.status)
"""
    result = _python(
        body,
        TASK_BACKEND="redis",
        REDIS_URL="redis://127.0.0.1:6379/15",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",  # its own, whatever the suite runs on
        LOG_LEVEL="ERROR",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "backend RQBackend queued 1" in result.stdout
    assert "status SUCCESSFUL" in result.stdout
