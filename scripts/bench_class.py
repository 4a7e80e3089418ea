"""Benchmarks of `asynclings class` (part of `make bench`). Prints figures; asserts nothing.

What is measured, on scratch rooms built here (bare repositories, as on the instructor's
machine, with objects packed as `git fetch` leaves them):

1. `asynclings class` without --regrade over 200 learner branches x 10 lessons: each
   learner has passed between 0 and 10 lessons, one commit per pass with the trailer
   block, each exercise file distinct. Target: under 1 s, process start included.
2. `asynclings class --regrade` over 30 branches x 10 lessons, every exercise file
   present and distinct (a mix of reference solutions and known-wrong variants, so
   identical files cannot be graded once for many): all 300 grades one at a time
   (--jobs 1) and in parallel (default: one per core), and the speed-up.

The 10 lessons are the course's lessons 01-05 twice (06-10 are copies of 01-05 under new
ids), graded with their real check scripts.

usage: python3 scripts/bench_class.py --binary .build/release/asynclings [--python .venv/bin/python]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def git(*args: str, cwd: str, stdin: bytes | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, input=stdin, capture_output=True, check=True)
    return result.stdout.decode()


def ten_lesson_course(target: str) -> list[tuple[str, str]]:
    """Copies lessons 01-05 and again as 06-10; returns (id, source folder) per lesson."""
    sources = sorted(d for d in os.listdir(os.path.join(ROOT, "lessons")) if re.match(r"0[1-5]-", d))
    lessons: list[tuple[str, str]] = []
    for round_ in range(2):
        for name in sources:
            number = int(name[:2]) + 5 * round_
            lesson_id = f"{number:02d}-{name[3:]}" + ("-again" if round_ else "")
            folder = os.path.join(target, "lessons", lesson_id)
            shutil.copytree(os.path.join(ROOT, "lessons", name), folder)
            path = os.path.join(folder, "lesson.md")
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(re.sub(r"(?m)^id: .*$", f"id: {lesson_id}", text, count=1))
            lessons.append((lesson_id, folder))
    with open(os.path.join(target, ".gitignore"), "w") as handle:
        handle.write("__pycache__/\n")
    return lessons


def room(scratch: str, name: str) -> tuple[str, list[tuple[str, str]]]:
    """A bare repository with the ten-lesson course on main."""
    seed = os.path.join(scratch, f"{name}-seed")
    os.makedirs(seed)
    lessons = ten_lesson_course(seed)
    git("init", "-q", "-b", "main", cwd=seed)
    git("add", "-A", cwd=seed)
    git("commit", "-q", "-m", "the course", cwd=seed)
    bare = os.path.join(scratch, f"{name}.git")
    git("clone", "-q", "--bare", seed, bare, cwd=scratch)
    return bare, lessons


def fast_import(bare: str, branches: dict[str, list[tuple[str, bytes, str | None]]]) -> None:
    """Writes branches in one `git fast-import` stream: per branch, commits on top of main,
    each setting one exercise file and carrying a message."""
    main = git("rev-parse", "main", cwd=bare).strip()
    out: list[bytes] = []
    stamp = 1_800_000_000
    for branch, commits in branches.items():
        first = True
        for path, content, message in commits:
            stamp += 1
            text = (message or f"work on {path}").encode()
            out.append(f"commit refs/heads/{branch}\n".encode())
            out.append(f"committer Bench <bench@example.org> {stamp} +0000\n".encode())
            out.append(f"data {len(text)}\n".encode() + text + b"\n")
            if first:
                out.append(f"from {main}\n".encode())
                first = False
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(f"data {len(content)}\n".encode() + content + b"\n")
    git("fast-import", "--quiet", cwd=bare, stdin=b"".join(out))
    git("gc", "-q", cwd=bare)


def record(lesson: str, attempts: int) -> str:
    return (f"asynclings: pass {lesson}\n\nAsynclings-Lesson: {lesson}\nAsynclings-Status: pass\n"
            f"Asynclings-Checks: 9/9\nAsynclings-Attempts: {attempts}\nAsynclings-Hints: {attempts % 3}\n"
            f"Asynclings-File: exercises/{lesson}.py\n")


def timed(command: list[str], cwd: str) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """Wall-clock seconds and CPU seconds (user + system, the process and its children)
    of one run. On a shared machine the CPU figure is the one that does not depend on
    what else is running."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, result


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f} ms (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


def bench_class(binary: str, scratch: str, branches: int, runs: int) -> None:
    bare, lessons = room(scratch, "room200")
    layout: dict[str, list[tuple[str, bytes, str | None]]] = {}
    for index in range(branches):
        commits = []
        for number, (lesson, folder) in enumerate(lessons[: index % (len(lessons) + 1)]):
            with open(os.path.join(folder, "solution.py"), "rb") as handle:
                content = handle.read() + f"\n# learner {index}\n".encode()
            commits.append((f"exercises/{lesson}.py", content, record(lesson, 1 + (index + number) % 5)))
        layout[f"learner/l{index:03d}"] = commits or [("notes.txt", f"learner {index}\n".encode(), None)]
    fast_import(bare, layout)
    passes = sum(len(c) for c in layout.values() if c[0][2])
    print(f"\n## asynclings class: {branches} branches x {len(lessons)} lessons, {passes} recorded passes (median of {runs})")
    print(f"  load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for arguments in (["class"], ["class", "--json"], ["class", "--html", os.path.join(scratch, "class.html")]):
        walls, cpus = [], []
        for _ in range(runs):
            elapsed, cpu, result = timed([binary, *arguments], cwd=bare)
            if result.returncode != 0:
                sys.exit(f"{' '.join(arguments)} failed: {result.stderr.decode()}")
            walls.append(elapsed)
            cpus.append(cpu)
        label = "asynclings " + " ".join(arguments[:2]).replace(scratch + "/", "")
        print(f"  {label:<26}: wall {ms(walls)}; CPU {statistics.median(cpus) * 1000:.0f} ms   (target < 1000 ms)")


def regrade_room(scratch: str, branches: int) -> tuple[str, int]:
    """A bare room of `branches` learners x 10 lessons, every file present and distinct;
    returns it and the number of files."""
    bare, lessons = room(scratch, "room30")
    layout: dict[str, list[tuple[str, bytes, str | None]]] = {}
    for index in range(branches):
        commits = []
        for number, (lesson, folder) in enumerate(lessons):
            wrong = sorted(os.listdir(os.path.join(folder, "wrong")))
            # Two in three files are solutions; the rest cycle through the wrong variants.
            if (index + number) % 3:
                source = os.path.join(folder, "solution.py")
            else:
                source = os.path.join(folder, "wrong", wrong[(index + number) % len(wrong)])
            with open(source, "rb") as handle:
                content = handle.read() + f"\n# learner {index}\n".encode()
            commits.append((f"exercises/{lesson}.py", content, record(lesson, 1) if source.endswith("solution.py") else None))
        layout[f"learner/l{index:02d}"] = commits
    fast_import(bare, layout)
    return bare, branches * len(lessons)


def regrade(binary: str, python: str, bare: str, *options: str, env: dict[str, str] | None = None) -> tuple[float, float]:
    """One `class --regrade` of the room: wall and CPU seconds."""
    command = [binary, "class", "--regrade", "--json", "--python", python, *options]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=bare, capture_output=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        sys.exit(f"class --regrade failed: {result.stderr.decode()}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_regrade(binary: str, python: str, scratch: str, branches: int) -> None:
    bare, cells = regrade_room(scratch, branches)
    cores = os.cpu_count() or 1
    print(f"\n## asynclings class --regrade: {branches} branches x 10 lessons = {cells} distinct files, {cores} cores")
    print(f"  load average before: {os.getloadavg()[0]:.1f}")
    figures: dict[str, float] = {}
    for label, jobs in (("one at a time (--jobs 1)", ["--jobs", "1"]), (f"in parallel (default, {cores})", [])):
        elapsed, cpu = regrade(binary, python, bare, *jobs)
        figures[label] = elapsed
        print(f"  {label:<28}: {elapsed:7.2f} s wall ({elapsed / cells * 1000:.0f} ms per file), {cpu:.1f} s CPU")
    serial, parallel = figures.values()
    print(f"  speed-up                    : {serial / parallel:.2f}x on {cores} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/asynclings"))
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv/bin/python"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--branches", type=int, default=200)
    parser.add_argument("--regrade-branches", type=int, default=30)
    parser.add_argument("--skip-regrade", action="store_true")
    options = parser.parse_args()
    binary = os.path.abspath(options.binary)
    python = options.python if os.path.exists(options.python) else shutil.which("python3") or "python3"
    with tempfile.TemporaryDirectory(prefix="asynclings-bench-class-") as scratch:
        bench_class(binary, scratch, options.branches, options.runs)
        if not options.skip_regrade:
            bench_regrade(binary, python, scratch, options.regrade_branches)


if __name__ == "__main__":
    main()
