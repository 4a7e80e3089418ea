#!/usr/bin/env python3
"""What the `tampering` check costs a grade: prints figures, asserts nothing.

Grades each lesson's reference solution once in a child interpreter (as grade.py
would) with the check's entry points timed in CPU time: the seal, every comparison
with it (after each scenario and for the report), the per-run checks of trials and
loops, and its audit handler (called for the few events it refuses or inspects). The
time of the timing wrappers themselves is included, so the figures are an upper bound.
"of grade" compares with the CPU time of the whole grade in the same process.

    .venv/bin/python scripts/bench_tampering.py [--lessons 02 15] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(ROOT, "Sources", "Grading", "harness")
TIMED = ("seal", "verify", "check_trial", "check_loop", "conclude", "_audit")


def child(lesson: str, out: str) -> None:
    """(Child process) Grades the lesson's solution with the tampering check's entry points timed."""
    sys.path.insert(0, HARNESS)
    from asynclings_harness import integrity, main  # noqa: PLC0415

    # CPU time of the calling thread: other processes on a busy machine do not count (and the
    # grade's instrumentation, which replaces time.perf_counter, leaves it alone).
    clock = time.thread_time
    spent = {name: 0.0 for name in TIMED}
    calls = {name: 0 for name in TIMED}

    def timed(name: str) -> None:
        original = getattr(integrity.Integrity, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = clock()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] += clock() - started
                calls[name] += 1

        setattr(integrity.Integrity, name, wrapper)

    for name in TIMED:
        timed(name)
    if os.environ.get("BENCH_SEAL_PARTS"):  # where the seal's time goes
        for name in ("_move", "_seal_module"):
            spent[name], calls[name] = 0.0, 0
            timed(name)
        original_take = integrity.Snapshot.take
        spent["take"], calls["take"] = 0.0, 0

        def take(self: Any) -> None:
            started = clock()
            original_take(self)
            spent["take"] += clock() - started
            calls["take"] += 1

        integrity.Snapshot.take = take  # type: ignore[method-assign]
    finish = main.Harness.finish

    def finished(harness: Any, body: dict[str, Any]) -> None:
        with open(out, "w") as handle:
            json.dump({"spent": spent, "calls": calls, "status": body.get("status"),
                       "cpu": clock() - harness.started_cpu}, handle)
        finish(harness, body)

    main.Harness.finish = finished  # type: ignore[method-assign]
    folder = os.path.join(ROOT, "lessons", lesson)
    report = os.open(os.devnull, os.O_WRONLY)
    harness = main.Harness(main.parse(["--lesson-dir", folder, "--lesson-id", lesson, "--report-fd", str(report),
                                       "--file", os.path.join(folder, "solution.py")]))
    harness.started_cpu = clock()  # type: ignore[attr-defined]
    harness.run()


def measure(lesson: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "figures.json")
        subprocess.run([sys.executable, "-s", "-P", os.path.abspath(__file__), "--child", lesson, out],
                       cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, check=False)
        with open(out) as handle:
            return json.load(handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", help="lesson ids or prefixes (default: every lesson)")
    parser.add_argument("--repeat", type=int, default=5, help="grades per lesson; the median is shown")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    lessons = sorted(name for name in os.listdir(os.path.join(ROOT, "lessons"))
                     if not args.lessons or any(name.startswith(prefix) for prefix in args.lessons))
    print(f"{'lesson':28} {'seal':>7} {'verify':>12} {'trials+loops':>13} {'audit handler':>14} {'total':>8} {'of grade':>9}")
    totals = []
    for lesson in lessons:
        runs = [measure(lesson) for _ in range(args.repeat)]
        runs.sort(key=lambda run: sum(run["spent"].values()))
        run = runs[len(runs) // 2]
        spent = {name: seconds * 1e6 for name, seconds in run["spent"].items()}
        if os.environ.get("BENCH_SEAL_PARTS"):
            print("   ", {name: f"{spent[name]:.0f}µs ×{run['calls'][name]}" for name in ("_move", "_seal_module", "take")})
        total = sum(spent.values())
        totals.append(total)
        calls = run["calls"]
        print(f"{lesson:28} {spent['seal']:6.0f}µ {spent['verify'] + spent['conclude']:6.0f}µ ×{calls['verify'] + calls['conclude']:<4}"
              f" {spent['check_trial'] + spent['check_loop']:6.0f}µ ×{calls['check_trial'] + calls['check_loop']:<5}"
              f" {spent['_audit']:6.0f}µ ×{calls['_audit']:<6} {total:6.0f}µ {100 * total / 1e6 / run['cpu']:8.2f}%"
              + ("" if run["status"] == "pass" else f"  (status {run['status']})"))
    print(f"median over {len(totals)} lessons: {statistics.median(totals):.0f} µs per grade; most: {max(totals):.0f} µs")


if __name__ == "__main__":
    main()
