#!/usr/bin/env python3
"""Seed stability of lessons 22-25: no correct file may fail on any seed.

Grades every reference solution and every right/ variant of the resilience lessons
with `--seed 0..N` (lesson 22 reseeds `random` from the seed, lessons 23 and 24 replay
explored schedule N), and prints, per file, the failing seeds (there must be none) and
the median and slowest real time of a grade.

    scripts/bench_lessons_22_25.py [--seeds 200] [--python .venv/bin/python] [--lessons 22 23]

Each grade is a fresh `grade.py` process, as the Swift side runs it. Stdlib only.
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
from concurrent.futures import ThreadPoolExecutor
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADE = os.path.join(ROOT, "Sources", "Grading", "harness", "grade.py")
LESSONS = ["22-retries", "23-rate-limiter", "24-hedged-requests", "25-graceful-shutdown"]


def grade(python: str, lesson: str, path: str, seed: int) -> tuple[dict[str, Any], float]:
    with tempfile.TemporaryDirectory() as scratch:
        read_fd, write_fd = os.pipe()
        env = {"PATH": "/usr/bin:/bin", "HOME": scratch, "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
        started = time.perf_counter()
        process = subprocess.Popen(
            [python, "-s", "-P", GRADE, "--lesson-dir", os.path.join(ROOT, "lessons", lesson), "--lesson-id", lesson,
             "--file", path, "--report-fd", str(write_fd), "--seed", str(seed), "--budget", "30"],
            pass_fds=(write_fd,), env=env, cwd=scratch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd, "rb") as channel:
            data = channel.read()
        process.wait(timeout=60)
        elapsed = time.perf_counter() - started
    return (json.loads(data) if data else {"status": "no-report", "checks": []}), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    parser.add_argument("--lessons", nargs="*", default=[])
    args = parser.parse_args()
    lessons = [lesson for lesson in LESSONS if not args.lessons or any(lesson.startswith(p) for p in args.lessons)]
    files = []
    for lesson in lessons:
        folder = os.path.join(ROOT, "lessons", lesson)
        files.append((lesson, os.path.join(folder, "solution.py")))
        right = os.path.join(folder, "right")
        files += [(lesson, os.path.join(right, name)) for name in sorted(os.listdir(right)) if name.endswith(".py")]
    jobs = [(lesson, path, seed) for lesson, path in files for seed in range(args.seeds + 1)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda job: grade(args.python, *job), jobs))
    print(f"{len(jobs)} grades with {args.python}, seeds 0..{args.seeds}")
    problems = 0
    for lesson, path in files:
        mine = [(seed, report, took) for (l, p, seed), (report, took) in zip(jobs, results) if p == path]
        failing = [(seed, report) for seed, report, _ in mine if report.get("status") != "pass"]
        times = [took for _, _, took in mine]
        problems += len(failing)
        shown = os.path.relpath(path, os.path.join(ROOT, "lessons"))
        print(f"{shown:58} {len(mine) - len(failing):4}/{len(mine)} pass   median {statistics.median(times):.2f} s   "
              f"slowest {max(times):.2f} s")
        for seed, report in failing[:5]:
            checks = [f"{c['id']}: {c['message'][:160]}" for c in report.get("checks", []) if c["status"] != "pass"]
            print(f"    seed {seed}: {report.get('status')} {checks[:2]}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
