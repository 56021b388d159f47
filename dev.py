"""Set up a private virtual environment and run the project's jobs.

Needs only Python 3.10+ with pip and venv. Each command creates `.venv/`
beside this file on first use, installs keras-roc and its dependencies into
it, and reinstalls only when `pyproject.toml` changes.

    python3 dev.py demo     # the breast-cancer demo (TensorBoard logs in runs/)
    python3 dev.py test     # the whole test suite (extra args go to pytest)
    python3 dev.py bench    # the benchmarks (extra args go to the script)
    python3 dev.py lint     # ruff: lint and format check (as CI runs it)
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".keras-roc-installed"


def _run(*args):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT)


def setup():
    """Creates .venv and installs the project, unless already up to date."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing keras-roc and its dependencies (first run: a few minutes) ...", flush=True)
    steps = [
        (PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"),
        (PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[test,examples]"),
    ]
    for step in steps:
        if _run(*step) != 0:
            sys.exit(f"Setup failed at: {' '.join(map(str, step))}")
    STAMP.write_text(wanted)


def lint(*args):
    """ruff check and ruff format --check; the first failure's code."""
    ruff = (PYTHON, "-m", "ruff")
    return _run(*ruff, "check", *args, ".") or _run(*ruff, "format", "--check", *args, ".")


def main(argv):
    if argv[:1] == ["lint"]:
        setup()
        sys.exit(lint(*argv[1:]))
    commands = {
        "demo": [PYTHON, "examples/breast_cancer.py"],
        "test": [PYTHON, "-m", "pytest"],
        "bench": [PYTHON, "benchmarks/run_all.py"],
    }
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    setup()
    env_note = {"MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2"}
    os.environ.update({k: os.environ.get(k, v) for k, v in env_note.items()})
    sys.exit(_run(*commands[argv[0]], *argv[1:]))


if __name__ == "__main__":
    main(sys.argv[1:])
