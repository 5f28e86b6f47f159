#!/usr/bin/env python3
"""The README's two commands, on a machine that has only Python 3.11+ and the package registries.

    python3 dev.py serve   install what is needed, then run the app on SQLite with demo data
    python3 dev.py test    install what is needed, then lint and run the whole test suite

Both create `.venv/` beside this file on first use and reinstall only when pyproject.toml changes.
Extra arguments after `test` go to pytest (e.g. `python3 dev.py test -k tokens -x`); extra
arguments after `serve` go to `counselbench serve` (e.g. `--port 8080`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*command: str | os.PathLike, env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(c) for c in command], cwd=ROOT, env=env)


def ensure_installed(extra: str) -> None:
    """Create the virtualenv and install the package (with `extra`) when pyproject changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py runs on whatever python3 is there)
        sys.exit(f"Counselbench needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not (BIN / "python").exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extra or 'app'}-{digest}"
    if stamp.exists():
        return
    target = f".[{extra}]" if extra else "."
    print(f"Installing Counselbench and its dependencies ({target}) ...", flush=True)
    quiet = ["--quiet"]  # errors still show; a first install takes a minute or two
    pip = [BIN / "python", "-m", "pip", "install", *quiet, "--disable-pip-version-check"]
    if _run(*pip, "--upgrade", "pip") or _run(*pip, "--editable", target):
        sys.exit("Installation failed; see the messages above.")
    for old in VENV.glob(f".installed-{extra or 'app'}-*"):
        old.unlink()
    stamp.touch()


def serve(args: list[str]) -> int:
    ensure_installed("")
    env = dict(os.environ)
    # Local use: DEBUG supplies a development secret key and readable logs; data lives in ./var.
    env.setdefault("DEBUG", "true")
    env.setdefault("DATA_DIR", str(ROOT / "var"))
    return _run(BIN / "counselbench", "serve", "--worker", *args, env=env)


def test(args: list[str]) -> int:
    ensure_installed("test")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    src = ROOT / "src" / "counselbench"
    service_layer = [
        *src.glob("*/services.py"),
        *src.glob("*/services/"),  # an app whose services grew into a package
        *src.glob("*/selectors.py"),
        src / "access",
        src / "core",
    ]
    for command in (
        [BIN / "ruff", "check", "src", "tests", "bench", "dev.py"],
        [BIN / "ruff", "format", "--check", "src", "tests", "bench", "dev.py"],
        # Types on the service layer (ARCHITECTURE.md), with the Django plugin.
        [BIN / "mypy", *service_layer],
    ):
        if code := _run(*command, env={**env, "PYTHONPATH": str(ROOT)}):
            print(f"Check failed: {' '.join(str(c) for c in command[:2])} (see above).")
            return code
    return _run(BIN / "python", "-m", "pytest", *args, env=env)


def main() -> int:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
