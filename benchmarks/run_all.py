"""Runs every benchmarks/bench_*.py script in turn with this interpreter.

Extra arguments (e.g. `--quick`) are passed to every script. Exits non-zero
if any script does (benchmarks fail only on wrong results, never on time).

    python benchmarks/run_all.py [--quick]
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv):
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print(f"No bench_*.py scripts in {HERE}.")
        return 1
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} {' '.join(argv)}".rstrip(), flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(script), *argv], cwd=HERE.parent)
        print(f"=== {script.name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(script.name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
