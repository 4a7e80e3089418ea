#!/usr/bin/env python3
"""What the `tampering` check costs a grade in watch mode: prints figures, asserts nothing.

Watch mode forks every grade from a warm server that has imported the harness and taken
the check's survey (integrity.py). This script does the same: it imports the harness,
takes the survey, then forks one child per grade of each lesson's reference solution,
alternately with the check and with its seal replaced by a no-op, and reports in CPU
time of the grading thread (a busy machine's other processes do not count):

* the check's own parts, timed in the children that run it: the seal, the comparison
  with it when the report is made, the per-run checks of trials and loops;
* the page faults those parts take (a forked child's first write to a page, such as
  a reference count, copies it: that, more than the comparisons, is the cost);
* the whole grade with and without the check (medians; the difference is noisy).

    .venv/bin/python scripts/bench_tampering.py [--lessons 02 15] [--runs 15] [--spare]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Sources", "Grading", "harness"))

from asynclings_harness import integrity, main  # noqa: E402

PARTS = ("seal", "conclude", "check_trial", "check_loop")
clock = time.thread_time  # bound before a grade's instrumentation replaces the time functions
spent: dict[str, float] = {}
faults: dict[str, int] = {}


def faulted() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def timed(name: str) -> None:
    """Wraps ``Integrity.name`` (before the survey, so that the wrapper is part of what it records)."""
    original = getattr(integrity.Integrity, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started, before = clock(), faulted()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + clock() - started
            faults[name] = faults.get(name, 0) + faulted() - before

    setattr(integrity.Integrity, name, wrapper)


state: dict[str, Any] = {}  # the child's output file and when its grade started


def report_figures() -> None:
    """Wraps ``Harness.finish`` to write the child's figures (installed before the survey, like ``timed``)."""
    finish = main.Harness.finish

    def finished(harness: Any, body: dict[str, Any]) -> None:
        tampering = next((c["status"] for c in body["checks"] if c["id"] == "tampering"), None)
        with open(state["out"], "w") as handle:
            json.dump({"cpu": clock() - state["started"], "spent": spent, "faults": faults, "status": body["status"],
                       "tampering": tampering}, handle)
        finish(harness, body)

    main.Harness.finish = finished  # type: ignore[method-assign]


def grade_in_child(lesson: str, out: str, checked: bool, spare: bool) -> None:
    folder = os.path.join(ROOT, "lessons", lesson)
    if not checked:
        main.Integrity.seal = staticmethod(lambda session, check_module: None)  # type: ignore[method-assign]
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    if spare:  # what the server's spare grade could do while it waits for its request: copy the pages now
        integrity.survey().snapshot.unchanged()
    state["out"], state["started"] = out, clock()
    harness = main.Harness(main.parse(["--lesson-dir", folder, "--lesson-id", lesson, "--report-fd", str(null),
                                       "--file", os.path.join(folder, "solution.py")]))
    harness.run()


def measure(lesson: str, runs: int, scratch: str, spare: bool) -> dict[str, Any]:
    out = os.path.join(scratch, "figures.json")
    results: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    for run in range(runs):
        for checked in (True, False) if run % 2 else (False, True):
            pid = os.fork()
            if pid == 0:
                try:
                    os.chdir(scratch)
                    grade_in_child(lesson, out, checked, spare)
                finally:
                    os._exit(0)
            os.waitpid(pid, 0)
            with open(out) as handle:
                results[checked].append(json.load(handle))
    return {"on": results[True], "off": results[False]}


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", help="lesson ids or prefixes (default: every lesson)")
    parser.add_argument("--runs", type=int, default=11, help="grades per lesson with the check, and as many without")
    parser.add_argument("--spare", action="store_true",
                        help="before each grade, compare the survey once, as a spare grade waiting for its request could")
    parser.add_argument("--binary", help=argparse.SUPPRESS)  # `make bench` passes it to every bench_*.py
    args = parser.parse_args()
    lessons = sorted(name for name in os.listdir(os.path.join(ROOT, "lessons"))
                     if not args.lessons or any(name.startswith(prefix) for prefix in args.lessons))
    for name in PARTS:
        timed(name)
    report_figures()
    integrity.survey()  # as the grade server does before it forks
    print(f"{'lesson':26} {'seal':>12} {'compare':>12} {'trials+loops':>13} {'check total':>12} "
          f"{'grade without':>14} {'with':>9}")
    totals = []
    with tempfile.TemporaryDirectory() as scratch:
        for lesson in lessons:
            figures = measure(lesson, args.runs, scratch, args.spare)

            def median(part: str, key: str = "spent") -> float:
                return statistics.median(run[key].get(part, 0) for run in figures["on"])

            seal, compare = median("seal") * 1e6, median("conclude") * 1e6
            per_run = (median("check_trial") + median("check_loop")) * 1e6
            total = seal + compare + per_run
            totals.append(total)
            without = statistics.median(run["cpu"] for run in figures["off"]) * 1e3
            with_check = statistics.median(run["cpu"] for run in figures["on"]) * 1e3
            flagged = [run["tampering"] for run in figures["on"] if run["tampering"] != "pass"]
            print(f"{lesson:26} {seal:5.0f}µs {median('seal', 'faults'):3.0f}pf {compare:5.0f}µs {median('conclude', 'faults'):3.0f}pf"
                  f" {per_run:10.0f}µs {total:10.0f}µs {without:11.2f} ms {with_check:6.2f} ms"
                  + (f"  (tampering {flagged[0]}!)" if flagged else ""))
    print(f"median over {len(totals)} lessons: {statistics.median(totals):.0f} µs of CPU per grade for the check; "
          f"most {max(totals):.0f} µs (pf: page faults)")


if __name__ == "__main__":
    main_()
