"""`counselbench serve` starts gunicorn with the options it was given (no real server here)."""

import signal

import pytest

from counselbench import cli


@pytest.fixture
def started(monkeypatch):
    """The command lines `serve` starts, without starting them or touching the database."""
    commands: list[list[str]] = []

    class Child:
        def __init__(self, command, **kwargs):
            commands.append([str(part) for part in command])

        def wait(self, timeout=None):
            return 0

        def poll(self):
            return 0

    monkeypatch.setattr(cli.subprocess, "Popen", Child)
    monkeypatch.setattr("django.core.management.call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    return commands


def test_without_an_access_log_gunicorn_builds_no_access_lines(started):
    # A /dev/null access log still formatted a line per request: 4 % of a worker's CPU.
    assert cli.main(["serve", "--no-demo", "--no-access-log", "--workers", "2"]) == 0
    gunicorn = started[-1]
    assert "gunicorn" in gunicorn and "--access-logfile" not in gunicorn
    assert gunicorn[gunicorn.index("--workers") + 1] == "2"


def test_the_access_log_goes_to_standard_output_by_default(started):
    assert cli.main(["serve", "--no-demo"]) == 0
    gunicorn = started[-1]
    assert gunicorn[gunicorn.index("--access-logfile") + 1] == "-"
