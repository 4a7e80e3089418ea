"""Soak for lessons 18-21 (real sockets, real library threads on the virtual clock), or others.

Runs `asynclings verify 18 19 20 21` many times (warm grades, as a learner's watch mode
and verify have them) and checks that every file gets the *same* verdict every time:
the solution passes, each wrong variant fails with the same set of failed checks.
Prints the grade time per lesson (cold `asynclings grade` of the solution, median) and
the stability figure. Asserts nothing; exits 1 if any verdict changed. `--lessons`
soaks other lessons (28 and 29 use threads and real sockets too); `--python` grades
with another interpreter.

    python scripts/bench_lessons_18_21.py --binary .build/release/asynclings [--runs 100] [--lessons 28 29]
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LESSONS = ["18-http-client", "19-database", "20-websockets", "21-connection-pool"]
# A verify row: the file (cut short when long), what it must do, what it did. Two or more spaces between columns.
LINE = re.compile(r"^[✓✗] (lessons/\S+)\s{2,}(passes every check|compiles, fails|fails [\w-]+)\s{2,}(.*)$")


def verify_once(binary: str, env: dict[str, str], lessons: list[str], python: list[str]) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    done = subprocess.run([binary, "verify", *(lesson[:2] for lesson in lessons), *python], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    verdicts: dict[str, str] = {}
    for line in done.stdout.splitlines():
        match = LINE.match(line)
        if match:
            verdicts[match.group(1)] = re.sub(r"\(.*", "", match.group(3)).strip()  # the checks, not the messages
    return verdicts, time.perf_counter() - started


def cold_grade(binary: str, lesson: str, env: dict[str, str], runs: int, python: list[str]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([binary, "grade", lesson, f"lessons/{lesson}/solution.py", "--json", *python], cwd=ROOT,
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/asynclings"))
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--lessons", nargs="*", default=[], help="lesson numbers (default: 18 19 20 21)")
    parser.add_argument("--python", help="the interpreter to grade with (default: the course's .venv)")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    env = dict(os.environ)
    folders = sorted(os.listdir(os.path.join(ROOT, "lessons")))
    lessons = [next(f for f in folders if f.startswith(n)) for n in args.lessons] if args.lessons else LESSONS
    python = ["--python", args.python] if args.python else []
    names = " ".join(lesson[:2] for lesson in lessons)
    print(f"## lessons {names}: grade time (cold `asynclings grade` of the solution, median of 5)")
    for lesson in lessons:
        times = cold_grade(binary, lesson, env, 5, python)
        print(f"  {lesson:22} {statistics.median(times) * 1000:7.0f} ms (min {min(times) * 1000:.0f})")
    print(f"\n## stability: `asynclings verify {names}` x {args.runs} (warm grades)")
    seen: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    durations = []
    for _ in range(args.runs):
        verdicts, took = verify_once(binary, env, lessons, python)
        durations.append(took)
        for path, verdict in verdicts.items():
            seen[path][verdict] += 1
    stable = 0
    for path in sorted(seen):
        counts = seen[path]
        mark = "stable" if len(counts) == 1 and sum(counts.values()) == args.runs else "UNSTABLE"
        stable += mark == "stable"
        shown = ", ".join(f"{verdict} x{n}" for verdict, n in counts.most_common())
        print(f"  {mark:8} {path:58} {shown}")
    print(f"  verify {names}: median {statistics.median(durations):.2f} s per run ({len(seen)} files)")
    print(f"  stability: {stable}/{len(seen)} files gave the same verdict in all {args.runs} runs")
    sys.exit(0 if stable == len(seen) else 1)


if __name__ == "__main__":
    main()
