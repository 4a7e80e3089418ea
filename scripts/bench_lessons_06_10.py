#!/usr/bin/env python3
"""Cold grade times for lessons 06-10, and the cost of the static pass (for `make bench`).

    .venv/bin/python scripts/bench_lessons_06_10.py [--binary .build/release/asynclings] [--runs 5]
                                                    [--flake8-async /path/to/python-with-flake8-async]

* **cold grade**: each run is a fresh harness process (`grade.py`, as the grader starts
  it), so nothing is warm but the OS file cache; the median and the minimum of --runs.
* **first grade**: the same with an empty bytecode cache (`-X pycache_prefix` pointing
  at a new folder), as the very first grade after installing: every module, pytest's
  included, compiles from source.
* **via binary**: `asynclings grade NN FILE --json` end to end, when --binary is given.
* **static pass**: `static.analyse` on each lesson file, in process (best of many).
* **flake8-async**: with --flake8-async, the same files through flake8-async in a
  process of that interpreter: its import, and its run per file (best of many).

Lesson 10's budget: its grade (tests against the subject and every mutant) must stay
under 1.5 s cold. Times are wall-clock; on a loaded machine, compare CPU too.
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
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
HARNESS = os.path.join(ROOT, "Sources", "Grading", "harness")
LESSONS = ["06-missing-await", "07-blocking-calls", "08-cancellation", "09-sync-bridge", "10-testing-async"]
LESSON_10_BUDGET = 1.5


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade_once(python: str, lesson: str, path: str, pycache: str | None = None) -> tuple[float, float, dict]:
    """(wall seconds, CPU seconds, report) of one harness process."""
    flags = ["-s", "-P"] + (["-X", f"pycache_prefix={pycache}"] if pycache else [])
    read, write = os.pipe()
    cpu = child_cpu()
    started = time.perf_counter()
    child = subprocess.Popen([python, *flags, os.path.join(HARNESS, "grade.py"), "--lesson-dir",
                              os.path.join(ROOT, "lessons", lesson), "--lesson-id", lesson, "--file", path,
                              "--report-fd", str(write)], pass_fds=(write,), stdout=subprocess.DEVNULL,
                             env={"PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"})
    os.close(write)
    with os.fdopen(read, "rb") as channel:
        data = channel.read()
    child.wait()
    return time.perf_counter() - started, child_cpu() - cpu, json.loads(data)


def bench_lessons_06_10(python: str, runs: int, binary: str | None = None) -> bool:
    """Prints the cold grade table for the five solutions; returns whether lesson 10 met its budget."""
    print(f"cold grade of each solution, {runs} fresh processes each ({python})")
    print(f"{'lesson':<20} {'median':>8} {'min':>8} {'cpu':>8} {'first':>8} {'binary':>8}  status")
    within_budget = True
    for lesson in LESSONS:
        path = os.path.join(ROOT, "lessons", lesson, "solution.py")
        grade_once(python, lesson, path)  # warms the OS cache and the default bytecode cache
        samples = [grade_once(python, lesson, path) for _ in range(runs)]
        walls = [s[0] for s in samples]
        cpus = [s[1] for s in samples]
        with tempfile.TemporaryDirectory(prefix="asynclings-bench-pycache-") as pycache:
            first, _, _ = grade_once(python, lesson, path, pycache)
        via_binary = ""
        status = samples[-1][2]["status"]
        if binary:
            # This tree's harness, not whatever copy the binary was built with.
            env = dict(os.environ, ASYNCLINGS_HARNESS=HARNESS)
            started = time.perf_counter()
            done = subprocess.run([binary, "grade", lesson, path, "--json"], cwd=ROOT, env=env, capture_output=True, text=True)
            via_binary = f"{time.perf_counter() - started:8.3f}"
            try:
                binary_status = json.loads(done.stdout)["status"]
            except (ValueError, KeyError):
                binary_status = f"no report (exit {done.returncode})"
            if binary_status != status:
                status += f" (binary: {binary_status})"
        median = statistics.median(walls)
        note = ""
        if lesson.startswith("10-"):
            within_budget = median < LESSON_10_BUDGET
            note = f"  (budget {LESSON_10_BUDGET} s: {'ok' if within_budget else 'OVER'})"
        print(f"{lesson:<20} {median:8.3f} {min(walls):8.3f} {statistics.median(cpus):8.3f} {first:8.3f} "
              f"{via_binary:>8}  {status}{note}")
    return within_budget


def lesson_files() -> list[str]:
    files = []
    for lesson in LESSONS:
        folder = os.path.join(ROOT, "lessons", lesson)
        files += [os.path.join(folder, name) for name in ("starter.py", "solution.py")]
        wrong = os.path.join(folder, "wrong")
        files += sorted(os.path.join(wrong, name) for name in os.listdir(wrong) if name.endswith(".py"))
    return files


def bench_static_pass(files: list[str]) -> None:
    sys.path.insert(0, HARNESS)
    import asynclings_harness  # noqa: F401  (the harness child has it loaded before the static pass runs)
    started = time.perf_counter()
    from asynclings_harness import static
    imported = time.perf_counter() - started
    sources = [open(path, "rb").read() for path in files]
    best = []
    for source in sources:
        times = []
        for _ in range(50):
            started = time.perf_counter()
            static.analyse(source)
            times.append(time.perf_counter() - started)
        best.append(min(times))
    found = sum(len(static.analyse(source)) for source in sources)
    print(f"\nstatic pass (own AST rules): import {imported * 1000:.1f} ms; per file median "
          f"{statistics.median(best) * 1000:.3f} ms, max {max(best) * 1000:.3f} ms over {len(files)} lesson files "
          f"({found} findings)")


FLAKE8_ASYNC_PROBE = r"""
import json, sys, time
started = time.perf_counter()
from argparse import ArgumentParser
from flake8_async import Plugin
imported = time.perf_counter() - started
parser = ArgumentParser(prog="probe")
Plugin.add_options(parser)
Plugin.parse_options(parser.parse_args(["--enable", "ASYNC1,ASYNC2,ASYNC300", "x.py"]))
best, found = [], 0
for path in sys.argv[1:]:
    source = open(path).read()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        errors = list(Plugin.from_source(source).run())
        times.append(time.perf_counter() - started)
    best.append(min(times))
    found += len(errors)
print(json.dumps({"import": imported, "best": best, "found": found}))
"""


def bench_flake8_async(python: str, files: list[str]) -> None:
    started = time.perf_counter()
    done = subprocess.run([python, "-s", "-c", FLAKE8_ASYNC_PROBE, *files], capture_output=True, text=True)
    whole = time.perf_counter() - started
    if done.returncode != 0:
        print(f"\nflake8-async: could not run with {python}: {done.stderr.strip()[-300:]}")
        return
    result = json.loads(done.stdout)
    print(f"flake8-async ({python}): import {result['import'] * 1000:.0f} ms; per file median "
          f"{statistics.median(result['best']) * 1000:.1f} ms, max {max(result['best']) * 1000:.1f} ms "
          f"({result['found']} findings); whole process {whole:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    parser.add_argument("--binary", help="the asynclings binary, to time `asynclings grade` end to end")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--flake8-async", dest="flake8_async", help="an interpreter with flake8-async installed")
    args = parser.parse_args()
    ok = bench_lessons_06_10(args.python, args.runs, args.binary)
    files = lesson_files()
    bench_static_pass(files)
    if args.flake8_async:
        bench_flake8_async(args.flake8_async, files)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
