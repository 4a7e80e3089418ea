#!/usr/bin/env python3
"""Benchmarks the `race` check's schedule exploration (folded into `make bench`).

For every lesson with explored scenarios (``@scenario(..., explore=...)``):

* the reference solution and every correct alternative (``right/*.py``), over seeds
  0..N (0 is asyncio's ordinary order): any failing seed is a false positive, and
  there must be none;
* every wrong variant: whether asyncio's ordinary order already fails it, the first
  explored seed (1, 2, ...) that fails it, and the share of the N seeds that do.
  ``P(miss)`` is the chance that the default budget of schedules misses a bug that
  fails that share of seeds, were the seeds independent draws;
* the cold grade time of lesson 15 (a fresh process per grade, median of several),
  through the built binary when given, otherwise through the harness directly.

    scripts/bench_race.py [--seeds 1000] [--binary .build/release/asynclings] [--lessons 13 15]

Each file runs in its own interpreter (the check scripts register scenarios globally).
Stdlib only; run it with the interpreter that grades (e.g. .venv/bin/python).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(ROOT, "Sources", "Grading", "harness")


def sweep_one(lesson_dir: str, path: str, seeds: int) -> dict[str, Any]:
    """(Child process) Grades ``path`` with every explored scenario swept over seeds 0..N."""
    sys.path.insert(0, HARNESS)
    from asynclings_harness import explore, main  # noqa: PLC0415

    sweeps: list[dict[str, Any]] = []

    def swept(harness: Any, session: Any, item: Any, module: Any) -> None:
        started = time.process_time()
        # A program that spins (sleep(0) loops) costs thousands of callbacks a schedule: stop
        # such a sweep at a few million callbacks; the grade itself stops at explore.PICK_BUDGET.
        verdicts = explore.sweep(harness, session, item, module, list(range(0, seeds + 1)), max_picks=3_000_000)
        failing = [seed for seed, verdict in verdicts.items() if verdict.failed]
        sweeps.append({
            "scenario": item.title,
            "seeds": len(verdicts) - 1,
            "fifo_fails": 0 in failing,
            "failing": [s for s in failing if s > 0],
            "cpu_seconds": time.process_time() - started,
            "picks": sum(verdict.picks for verdict in verdicts.values()),
            "first_message": verdicts[failing[0]].message[:300] if failing else "",
        })

    explore.explore_scenario = swept  # type: ignore[assignment]  (main imports it when a lesson explores)
    read, write = os.pipe()
    args = main.parse(["--lesson-dir", lesson_dir, "--lesson-id", os.path.basename(lesson_dir),
                       "--file", path, "--report-fd", str(write), "--budget", "600"])
    harness = main.Harness(args)
    report: dict[str, Any] = {}
    harness.finish = lambda body: report.update(body)  # type: ignore[method-assign]
    harness.run()
    os.close(read)
    return {"file": path, "status": report.get("status"), "sweeps": sweeps}


def child(lesson_dir: str, path: str, seeds: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run([sys.executable, "-s", "-P", __file__, "--one", lesson_dir, path, "--seeds", str(seeds)],
                          capture_output=True, text=True, env=env, timeout=3600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"bench child failed for {path}:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def explored_lessons(wanted: list[str]) -> list[str]:
    lessons = []
    for name in sorted(os.listdir(os.path.join(ROOT, "lessons"))):
        check = os.path.join(ROOT, "lessons", name, "check.py")
        if not os.path.isfile(check) or "explore=" not in open(check, encoding="utf-8").read():
            continue
        if wanted and not any(name.startswith(w) for w in wanted):
            continue
        lessons.append(name)
    return lessons


def miss_chance(rate: float, budget: int) -> str:
    if rate <= 0:
        return "1"
    chance = (1 - rate) ** budget
    return f"{chance:.0e}" if chance > 0 else "<1e-300"


def grade_time(binary: str | None, runs: int = 9) -> tuple[str, list[float], list[float]]:
    """Cold grades of lesson 15's solution, interleaved with `python -I -c "import asyncio"` as a load baseline."""
    lesson = os.path.join(ROOT, "lessons", "15-locks")
    solution = os.path.join(lesson, "solution.py")
    if binary:
        command = [binary, "grade", "15-locks", solution, "--json"]
        env = dict(os.environ, ASYNCLINGS_HARNESS=HARNESS)
        preexec = None
    else:
        command = [sys.executable, "-s", "-P", os.path.join(HARNESS, "grade.py"), "--lesson-dir", lesson,
                   "--lesson-id", "15-locks", "--file", solution, "--report-fd", "3"]
        env = dict(os.environ, PYTHONHASHSEED="0")
        preexec = lambda: os.dup2(os.open(os.devnull, os.O_WRONLY), 3)  # noqa: E731
    baseline = [sys.executable, "-I", "-c", "import asyncio"]
    grades: list[float] = []
    imports: list[float] = []
    subprocess.run(command, cwd=ROOT, capture_output=True, env=env, preexec_fn=preexec, check=False)  # warm caches
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, env=env, preexec_fn=preexec, check=False)
        grades.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run(baseline, capture_output=True, check=False)
        imports.append(time.perf_counter() - started)
    how = f"`{os.path.relpath(binary, ROOT)} grade 15-locks`" if binary else "the harness (grade.py) directly"
    return how, grades, imports


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--binary")
    parser.add_argument("--lessons", nargs="*", default=[])
    parser.add_argument("--one", nargs=2, metavar=("LESSON_DIR", "FILE"))
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(sweep_one(args.one[0], args.one[1], args.seeds)))
        return

    sys.path.insert(0, HARNESS)
    from asynclings_harness.explore import DEFAULT_SCHEDULES  # noqa: PLC0415

    print(f"race exploration, {args.seeds} seeds per file (default budget: {DEFAULT_SCHEDULES} schedules "
          f"after asyncio's ordinary order), Python {sys.version.split()[0]}")
    for lesson in explored_lessons(args.lessons):
        folder = os.path.join(ROOT, "lessons", lesson)
        print(f"\n{lesson}")
        result = child(folder, os.path.join(folder, "solution.py"), args.seeds)
        for sweep in result["sweeps"]:
            failures = len(sweep["failing"]) + (1 if sweep["fifo_fails"] else 0)
            print(f"  solution                     {failures} failing of {sweep['seeds'] + 1} seeds (0..{sweep['seeds']})  "
                  f"{sweep['cpu_seconds'] / (args.seeds + 1) * 1000:.2f} ms CPU per schedule, "
                  f"{sweep['picks'] / args.seeds:.0f} callbacks per schedule  — “{sweep['scenario']}”")
            if failures:
                print(f"    FALSE POSITIVE: {sweep['first_message']}")
        right_dir = os.path.join(folder, "right")
        for name in sorted(os.listdir(right_dir)) if os.path.isdir(right_dir) else []:
            result = child(folder, os.path.join(right_dir, name), args.seeds)
            for sweep in result["sweeps"]:
                failures = len(sweep["failing"]) + (1 if sweep["fifo_fails"] else 0)
                print(f"  {'right: ' + name:<28} {failures} failing of {sweep['seeds'] + 1} seeds"
                      + (f"   FALSE POSITIVE: {sweep['first_message']}" if failures else ""))
        wrong_dir = os.path.join(folder, "wrong")
        for name in sorted(os.listdir(wrong_dir)):
            path = os.path.join(wrong_dir, name)
            with open(path, encoding="utf-8") as handle:
                expect = handle.readline().strip()
            result = child(folder, path, args.seeds)
            for sweep in result["sweeps"]:
                failing = sweep["failing"]
                swept = max(1, sweep["seeds"])
                rate = len(failing) / swept
                first = failing[0] if failing else "-"
                racy = expect.endswith(" race")
                chance = miss_chance(rate, DEFAULT_SCHEDULES) if racy else "-"
                print(f"  {name:<28} ordinary order {'fails' if sweep['fifo_fails'] else 'passes':<6}  "
                      f"first failing seed {first!s:<4}  {len(failing):>4}/{swept} seeds fail  "
                      f"P(miss) {chance:<7}  [{expect.removeprefix('# ')}]")

    if not args.no_timing:
        how, grades, imports = grade_time(args.binary)
        print(f"\ncold grade of lesson 15's solution via {how}: median {statistics.median(grades):.3f} s "
              f"(min {min(grades):.3f}, max {max(grades):.3f}, {len(grades)} runs, load {os.getloadavg()[0]:.1f}); "
              f"`python -I -c 'import asyncio'` interleaved: median {statistics.median(imports):.3f} s")

if __name__ == "__main__":
    main()
