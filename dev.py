"""Set up a private virtual environment and run the project's jobs.

Needs only Python 3.10+ with pip and venv. Each command creates `.venv/`
beside this file on first use, installs keras-roc and its dependencies into
it (with TensorFlow), and reinstalls only when `pyproject.toml` changes.

    python3 dev.py demo     # the breast-cancer demo (TensorBoard logs in runs/)
    python3 dev.py test     # the whole suite on TensorFlow, then the backend
                            # contract tests on JAX and PyTorch (extra args go to pytest)
    python3 dev.py test --backend jax   # one backend only: tensorflow, jax or torch
    python3 dev.py bench    # the benchmarks (extra args go to the script)
    python3 dev.py lint     # ruff: lint and format check (as CI runs it)

JAX and PyTorch run in venvs of their own without TensorFlow (`.venv-jax/`,
`.venv-torch/`), since Keras picks its backend once per process. The torch
venv also holds the lowest versions pyproject.toml admits (`FLOORS`), so
every run of the tests tests them.
"""

import hashlib
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BIN = "Scripts/python.exe" if os.name == "nt" else "bin/python"
VENV = ROOT / ".venv"
PYTHON = VENV / BIN
# The lowest versions pyproject.toml admits, installed in the torch venv (pyparsing: the
# release matplotlib 3.9 knew; 3.3 deprecates names it calls, an error under our pytest settings).
FLOORS = ("keras==3.12.0", "numpy==2.0.0", "matplotlib==3.9.0", "tensorboard==2.18.0", "pyparsing<3.3")
# Per backend: the venv and the pip installs that make it. torch==2.13.0 is the CPU
# build (a plain `torch` requirement pulls a CUDA build of several GB).
BACKENDS = {
    "tensorflow": (VENV, [("-e", ".[test,examples,tensorflow]")]),
    "jax": (ROOT / ".venv-jax", [("-e", ".[test,jax]")]),
    "torch": (ROOT / ".venv-torch", [("torch==2.13.0",), ("-e", ".[test]", *FLOORS)]),
}
# What the JAX and torch venvs run: the callbacks' contract on that backend.
BACKEND_TESTS = ("tests/backends", "tests/test_imports.py")


def _run(*args):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT)


def setup(backend="tensorflow"):
    """Creates the backend's venv and installs the project, unless already up to date.

    Returns the venv's Python.
    """
    root, installs = BACKENDS[backend]
    python, stamp = root / BIN, root / ".keras-roc-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + repr(installs).encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and python.exists():
        return python
    started = time.monotonic()
    if not python.exists():
        print(f"Creating {root} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(root)
    print(f"Installing keras-roc for {backend} (first run: a few minutes) ...", flush=True)
    steps = [(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")]
    steps += [(python, "-m", "pip", "install", "--quiet", *install) for install in installs]
    for step in steps:
        if _run(*step) != 0:
            sys.exit(f"Setup failed at: {' '.join(map(str, step))}")
    stamp.write_text(wanted)
    print(f"{root.name} ready in {time.monotonic() - started:.0f} s", flush=True)
    return python


def test(args):
    """The main suite on TensorFlow, then the contract tests on JAX and torch.

    `--backend NAME` runs only that backend's part. Each part is its own
    pytest process (Keras fixes its backend at import); all parts run, and
    the first failure's code is returned.
    """
    backends = list(BACKENDS)
    if "--backend" in args:
        at = args.index("--backend")
        if at + 1 >= len(args) or args[at + 1] not in BACKENDS:
            sys.exit(f"--backend must be one of {', '.join(BACKENDS)}")
        backends, args = [args[at + 1]], args[:at] + args[at + 2 :]
    codes = []
    for backend in backends:
        python = setup(backend)
        os.environ["KERAS_BACKEND"] = backend
        tests = () if backend == "tensorflow" else BACKEND_TESTS
        started = time.monotonic()
        codes.append(_run(python, "-m", "pytest", *tests, *args))
        print(f"{backend} tests: {time.monotonic() - started:.0f} s, exit code {codes[-1]}", flush=True)
    return next((code for code in codes if code), 0)


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
        "test": None,
        "bench": [PYTHON, "benchmarks/run_all.py"],
    }
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    env_note = {"MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2"}
    os.environ.update({k: os.environ.get(k, v) for k, v in env_note.items()})
    if argv[0] == "test":
        sys.exit(test(argv[1:]))
    setup()
    sys.exit(_run(*commands[argv[0]], *argv[1:]))


if __name__ == "__main__":
    main(sys.argv[1:])
