"""What the sandbox costs (part of `make bench`). Prints figures; asserts nothing.

Every measurement is taken twice in the same run, interleaved round by round: with
bubblewrap (as asynclings always grades when it can) and without it
(`ASYNCLINGS_BWRAP=` tells asynclings bubblewrap is missing, so it falls back to the
process-group runner alone). The figure is the ratio of the medians.

1. a cold `asynclings grade 02-gather` (target: ratio <= 1.10);
2. `asynclings verify` of the whole course (forked from one warm interpreter);
3. watch mode, save → PASS on screen (target: sandboxed median < 40 ms);
4. `class --regrade` of 30 branches x 10 lessons (target: ratio <= 1.3).

usage: python3 scripts/bench_sandbox.py --binary .build/release/asynclings [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_class  # noqa: E402
import bench_watch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = {"sandboxed": {}, "unsandboxed": {"ASYNCLINGS_BWRAP": ""}}


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f} ms (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def compare(title: str, samples: dict[str, list[float]], target: str) -> None:
    print(f"\n## {title}")
    for mode, values in samples.items():
        print(f"  {mode:<12}: {median_ms(values)}")
    ratio = statistics.median(samples["sandboxed"]) / statistics.median(samples["unsandboxed"])
    print(f"  ratio        : {ratio:.2f}x   ({target})")


def interleaved(runs: int, measure) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(runs):
        for mode, env in MODES.items():
            samples[mode].append(measure(env))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/asynclings"))
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv/bin/python"))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--watch-runs", type=int, default=15)
    parser.add_argument("--regrade-branches", type=int, default=30)
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    python = os.path.abspath(options.python)
    print(f"sandbox cost — {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    grade = [binary, "grade", "02-gather", "lessons/02-gather/solution.py", "--json"]
    for env in MODES.values():
        timed(grade, env)  # probes and bytecode cached, as on any machine after the first grade

    compare("Cold grade of 02-gather", interleaved(options.runs, lambda env: timed(grade, env)), "target <= 1.10x")
    compare("asynclings verify (every lesson)",
            interleaved(max(3, options.runs // 5), lambda env: timed([binary, "verify"], env)), "figures only")

    watch = {mode: bench_watch.measure(binary, python, options.watch_runs, env) for mode, env in MODES.items()}
    compare("Watch mode: save → PASS on screen", {mode: figures.passes for mode, figures in watch.items()},
            "target: sandboxed median < 40 ms")

    with tempfile.TemporaryDirectory(prefix="asynclings-bench-sandbox-") as scratch:
        bare, cells = bench_class.regrade_room(scratch, options.regrade_branches)
        samples: dict[str, list[float]] = {mode: [] for mode in MODES}
        for _ in range(3):
            samples["sandboxed"].append(bench_class.regrade(binary, python, bare)[0])
            samples["unsandboxed"].append(
                bench_class.regrade(binary, python, bare, "--unsafe-regrade-without-sandbox", env=MODES["unsandboxed"])[0])
        compare(f"class --regrade, {options.regrade_branches} branches x 10 lessons ({cells} files)", samples,
                "target <= 1.3x")


if __name__ == "__main__":
    main()
