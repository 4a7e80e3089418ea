"""asynclings benchmarks (`make bench`). Prints figures; asserts nothing.

The machine is noisy: each figure is compared with a baseline measured in the same
run, interleaved, and reported as a ratio of medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from typing import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def interleaved(runs: int, **commands: Callable[[], float]) -> dict[str, list[float]]:
    """Runs each command once per round, round after round, so load affects all alike."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(command())
    return samples


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f} ms (min {min(values) * 1000:.1f})"


def bench_grade(binary: str, python: str, runs: int) -> None:
    print(f"\n## Cold grade of 02-gather (median of {runs}, interleaved)")
    grade = [binary, "grade", "02-gather", "lessons/02-gather/solution.py", "--json"]
    samples = interleaved(
        runs,
        import_asyncio=lambda: timed([python, "-I", "-c", "import asyncio"]),
        grade=lambda: timed(grade),
    )
    baseline = statistics.median(samples["import_asyncio"])
    figure = statistics.median(samples["grade"])
    print(f"  {python} -I -c 'import asyncio' : {ms(samples['import_asyncio'])}")
    print(f"  asynclings grade 02-gather        : {ms(samples['grade'])}")
    print(f"  ratio grade / import asyncio      : {figure / baseline:.2f}x   (target <= 1.5x)")


def bench_verify(binary: str, runs: int, lessons: list[str]) -> None:
    label = " ".join(lessons) if lessons else "all lessons"
    print(f"\n## asynclings verify {label} (median of {runs})")
    samples = [timed([binary, "verify", *lessons]) for _ in range(runs)]
    print(f"  verify: {ms(samples)}   (target for 01-05: < 2 s on 2 cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/asynclings"))
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv/bin/python"))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    print(f"asynclings benchmarks — {os.cpu_count()} cores, Python {sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}")
    timed([binary, "grade", "02-gather", "lessons/02-gather/solution.py"])  # caches the interpreter probe and bytecode
    bench_grade(binary, args.python, args.runs)
    bench_verify(binary, max(3, args.runs // 5), ["01", "02", "03", "04", "05"])
    # Each area of the project keeps its own benchmark beside this one: scripts/bench_*.py.
    for script in sorted(os.listdir(os.path.dirname(os.path.abspath(__file__)))):
        if script.startswith("bench_") and script.endswith(".py"):
            print(f"\n# {script}", flush=True)
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", script), "--binary", binary], cwd=ROOT)


if __name__ == "__main__":
    main()
