"""CPU of one ``cleaner clean`` run on a two-line file, beside ``python -c "import trafilatura"``.

    python bench/startup.py [--repeat 5] [--json FILE]

What a user pays who cleans one file, or calls the command from a shell loop: the interpreter,
the imports and the rules. Three commands take turns, ``--repeat`` rounds, each a fresh process
whose CPU (user + system, from ``getrusage`` of the children) is measured:

* ``warm``: ``python -m cleaner clean small.txt`` with the compiled rules in the cache (a
  private cache folder, filled by one run before timing);
* ``cold``: the same with ``--no-cache`` (what a first run, or a changed rule file, costs);
* ``trafilatura``: ``python -c "import trafilatura"``, the yardstick (issue 18: warm should cost
  at most twice as much).

The ratios are of the medians in this one run, since the shared machine's speed wanders; the
spread (lowest-highest) of each command is printed too. Bytecode is written on the first run
(an installed package has it), whatever ``PYTHONDONTWRITEBYTECODE`` says.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL = "A Short Headline Here\n\nOne sentence of body text that the cleaner keeps as it is.\n"


def child_cpu(command: Sequence[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) that one run of ``command`` took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def commands(small: Path) -> dict[str, list[str]]:
    clean = [sys.executable, "-m", "cleaner", "clean", str(small)]
    return {
        "warm": clean,
        "cold": [*clean, "--no-cache"],
        "trafilatura": [sys.executable, "-c", "import trafilatura"],
    }


def measure(repeat: int, folder: Path) -> dict[str, list[float]]:
    small = folder / "small.txt"
    small.write_text(SMALL, encoding="utf-8")
    env = dict(os.environ, CLEANER_CACHE_DIR=str(folder / "cache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    runs = commands(small)
    for command in runs.values():  # fills the cache and writes bytecode
        child_cpu(command, env)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(max(1, repeat)):
        for name, command in runs.items():
            times[name].append(child_cpu(command, env))
    return times


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="CPU of a one-file run vs importing trafilatura")
    ap.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    ap.add_argument("--json", type=Path, help="write machine-readable results here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cleaner-startup-") as tmp:
        times = measure(args.repeat, Path(tmp))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        spread = f"{min(values):.3f}-{max(values):.3f}"
        print(f"{name:<12} median {medians[name]:.3f} CPU-s   spread {spread}")
    base = medians["trafilatura"]
    ratios = {name: medians[name] / base for name in ("warm", "cold")}
    print(f"ratio warm/trafilatura-import: {ratios['warm']:.2f}   (target <= 2)")
    print(f"ratio cold/trafilatura-import: {ratios['cold']:.2f}")
    if args.json:
        payload = {"repeat": args.repeat, "cpu_seconds": times, "median": medians, "ratio": ratios}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
