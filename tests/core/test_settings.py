"""Settings fail loudly, and production settings pass Django's deployment checks."""

import base64
import os
import subprocess
import sys

import pytest

from counselbench.settings import env_bool


def _run(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "counselbench.cli", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,  # a fresh migrate is slow on a busy 2-core machine
        check=False,
    )


def test_a_malformed_boolean_is_an_error(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "TRUE")
    assert env_bool("SOME_FLAG", False) is True


@pytest.mark.once  # its own SQLite file in a subprocess, whatever the suite runs on
def test_production_settings_pass_check_deploy(tmp_path):
    production = {
        "DEBUG": "false",
        "DATA_DIR": str(tmp_path),
        # Its own fresh database, whichever one the suite runs on.
        "DATABASE_URL": f"sqlite:///{tmp_path}/check.sqlite3",
        "SECRET_KEY": "k" * 20 + "a-long-and-random-enough-production-secret-value-x9",
        "SITE_URL": "https://counselbench.example.com",
        # Documents at rest under a real master key (without one, check --deploy warns).
        "DOCUMENT_KEYS": "prod1:" + base64.b64encode(b"k" * 32).decode(),
    }
    unmigrated = _run("check", "--deploy", **production)
    assert unmigrated.returncode == 1 and "Unapplied migrations" in unmigrated.stderr
    assert _run("migrate", "-v", "0", **production).returncode == 0
    result = _run("check", "--deploy", **production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = _run("check", DEBUG="false", DATA_DIR=str(tmp_path), SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_set_the_security_headers(client, db):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.once  # its own SQLite file in a subprocess, whatever the suite runs on
def test_production_static_files_collect_with_the_manifest_storage(tmp_path):
    """`serve` runs collectstatic; a vendored file referencing a missing one once broke it."""
    result = _run(
        "manage",
        "collectstatic",
        "--noinput",
        "-v",
        "0",
        DEBUG="false",
        DATA_DIR=str(tmp_path),
        SECRET_KEY="s" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/htmx-2.0.11/htmx.min.js" in manifest
    # Served compressed: the Brotli and gzip copies hold exactly the file.
    import gzip

    import brotli

    htmx = tmp_path / "static" / "vendor" / "htmx-2.0.11" / "htmx.min.js"
    original = htmx.read_bytes()
    assert brotli.decompress(htmx.with_name(htmx.name + ".br").read_bytes()) == original
    assert gzip.decompress(htmx.with_name(htmx.name + ".gz").read_bytes()) == original
