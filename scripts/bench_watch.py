"""Save-to-verdict latency of watch mode (`make bench`). Prints figures; asserts nothing.

Runs `asynclings` (watch mode) on a pseudo-terminal in a scratch copy of lesson 02 inside
a scratch git repository, so a pass is recorded in git as it would be for a learner.
Each round saves the starter (and waits for its FAIL verdict), then saves the reference
solution the way most editors do (a temporary file renamed over the exercise) and times
from the rename to the moment the pass is on the screen (read from the terminal).

The machine is noisy: the figure comes with a baseline measured in the same run,
interleaved, `python -I -c 'import asyncio'` (the floor of any grade).
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
LESSON = "02-gather"


class Screen:
    """The child's terminal output, read as it comes."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def clear(self) -> None:
        self.buffer = b""

    def wait_for(self, text: str, limit: float = 120.0) -> float:
        """Reads until `text` is on screen; returns the time it was read (perf_counter)."""
        needle = text.encode()
        deadline = time.perf_counter() + limit
        if needle in ESCAPES.sub(b"", self.buffer):
            return time.perf_counter()
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            now = time.perf_counter()
            self.buffer += chunk
            if needle in ESCAPES.sub(b"", self.buffer):
                return now
        tail = ESCAPES.sub(b"", self.buffer)[-2000:].decode(errors="replace")
        raise SystemExit(f"gave up waiting for {text!r}; the screen ends with:\n{tail}")


def scratch_course(directory: str) -> None:
    shutil.copytree(os.path.join(ROOT, "lessons", LESSON), os.path.join(directory, "lessons", LESSON))
    with open(os.path.join(directory, ".gitignore"), "w") as ignore:
        ignore.write("__pycache__/\n")
    git = ["git", "-C", directory, "-c", "init.defaultBranch=learner/bench"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run(["git", "-C", directory, "config", "user.name", "Bench"], check=True)
    subprocess.run(["git", "-C", directory, "config", "user.email", "bench@example.com"], check=True)
    subprocess.run(["git", "-C", directory, "add", "."], check=True)
    subprocess.run(["git", "-C", directory, "commit", "-q", "-m", "course"], check=True)


def save(path: str, text: str) -> None:
    """Like an editor: write a temporary file beside it, then rename it over the original."""
    temporary = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(temporary, "w") as handle:
        handle.write(text)
    os.rename(temporary, path)


def import_asyncio(python: str) -> float:
    started = time.perf_counter()
    subprocess.run([python, "-I", "-c", "import asyncio"], check=True)
    return time.perf_counter() - started


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"


class WatchFigures:
    """Seconds per round: save → PASS on screen, save → FAIL, the grade's own wall time
    (read off the FAIL screen), and the `import asyncio` baseline; passes recorded in git."""

    def __init__(self) -> None:
        self.passes: list[float] = []
        self.failures: list[float] = []
        self.grade_walls: list[float] = []
        self.baseline: list[float] = []
        self.recorded = 0


def measure(binary: str, python: str, runs: int, env: dict[str, str] | None = None) -> WatchFigures:
    """Runs watch mode on a pseudo-terminal for `runs` rounds of save-solution, save-starter."""
    lesson_dir = os.path.join(ROOT, "lessons", LESSON)
    starter = open(os.path.join(lesson_dir, "starter.py")).read()
    solution = open(os.path.join(lesson_dir, "solution.py")).read()
    figures = WatchFigures()
    with tempfile.TemporaryDirectory(prefix="asynclings-bench-") as directory:
        scratch_course(directory)
        exercise = os.path.join(directory, "exercises", f"{LESSON}.py")
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(directory)
            os.environ.update(env or {})
            os.environ["TERM"] = "xterm-256color"
            os.environ.pop("NO_COLOR", None)
            os.environ["HOME"] = directory
            os.execv(binary, [binary, "--python", python])
        import fcntl
        import termios

        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
        os.kill(pid, signal.SIGWINCH)
        screen = Screen(fd)
        try:
            screen.wait_for("FAIL")  # the starter, copied in and graded on opening
            for _ in range(runs):
                figures.baseline.append(import_asyncio(python))
                screen.clear()
                started = time.perf_counter()
                save(exercise, solution)
                figures.passes.append(screen.wait_for(f"✓ {LESSON} passed") - started)
                time.sleep(0.2)  # let the pass screen settle before the next save
                screen.clear()
                started = time.perf_counter()
                save(exercise, starter)
                figures.failures.append(screen.wait_for("FAIL") - started)
                # The FAIL screen prints the grade's own wall time ("· real time 0.04 s"): the
                # rest is watch mode's share (noticing the save, debounce, drawing).
                screen.wait_for("real time ")
                found = re.findall(rb"real time (\d+\.\d+) s", ESCAPES.sub(b"", screen.buffer))
                if found:
                    figures.grade_walls.append(float(found[-1]))
                time.sleep(0.2)
            os.write(fd, b"q")
            os.waitpid(pid, 0)
        finally:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        commits = subprocess.run(
            ["git", "-C", directory, "rev-list", "--count", "HEAD"], capture_output=True, text=True).stdout.strip()
        figures.recorded = int(commits) - 1
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/asynclings"))
    parser.add_argument("--python", default=os.path.join(ROOT, ".venv/bin/python"))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    figures = measure(os.path.abspath(args.binary), os.path.abspath(args.python), args.runs)
    load = os.getloadavg()[0]
    print(f"\n## Watch mode: save → verdict on screen, {LESSON} ({args.runs} rounds, {os.cpu_count()} cores, load {load:.2f})")
    print(f"  correct solution → PASS on screen  : {ms(figures.passes)}   (target: median < 40 ms)")
    print(f"  starter          → FAIL on screen  : {ms(figures.failures)}")
    if figures.grade_walls:
        overhead = [f - g for f, g in zip(figures.failures, figures.grade_walls)]
        print(f"  of which the grade itself (FAIL)   : {ms(figures.grade_walls)}")
        print(f"  watch mode's own share (FAIL)      : {ms(overhead)}   (notice + debounce + draw; 10 ms resolution)")
    print(f"  baseline: python -I -c 'import asyncio': {ms(figures.baseline)}")
    print(f"  ratio pass / import asyncio        : {statistics.median(figures.passes) / statistics.median(figures.baseline):.2f}x")
    print(f"  passes recorded in git             : {figures.recorded}")


if __name__ == "__main__":
    sys.exit(main())
