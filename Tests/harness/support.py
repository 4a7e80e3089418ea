"""Shared helpers for the harness tests: run a coroutine on the virtual clock, grade a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HARNESS = os.path.join(ROOT, "Sources", "Grading", "harness")
LESSONS = os.path.join(ROOT, "lessons")
sys.path.insert(0, HARNESS)


def grade(lesson: str, source: str | None = None, *, path: str | None = None, seed: int = 0,
          budget: float = 10.0, lesson_dir: str | None = None) -> dict[str, Any]:
    """Grades ``source`` (or the file at ``path``) with this interpreter, as the Swift side would."""
    with tempfile.TemporaryDirectory() as scratch:
        if path is None:
            path = os.path.join(scratch, "exercise.py")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(textwrap.dedent(source or ""))
        read_fd, write_fd = os.pipe()
        env = {"PATH": "/usr/bin:/bin", "HOME": scratch, "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
        process = subprocess.Popen(
            [sys.executable, "-s", "-P", os.path.join(HARNESS, "grade.py"),
             "--lesson-dir", lesson_dir or os.path.join(LESSONS, lesson), "--lesson-id", lesson,
             "--file", path, "--report-fd", str(write_fd), "--seed", str(seed), "--budget", str(budget)],
            pass_fds=(write_fd,), env=env, cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.close(write_fd)
        with os.fdopen(read_fd, "rb") as channel:
            data = channel.read()
        process.communicate(timeout=budget + 30)
        if not data:
            return {"status": "no-report", "checks": [], "returncode": process.returncode}
        return json.loads(data)


def run_tests_apart(*names: str) -> subprocess.CompletedProcess[str]:
    """Runs the named unittest tests in a process of their own, for what they print as their
    loop shuts down or the interpreter exits (a passing test prints nothing)."""
    return subprocess.run([sys.executable, "-m", "unittest", *names], cwd=os.path.dirname(os.path.abspath(__file__)),
                          capture_output=True, text=True, timeout=120, check=False)


def run_on_virtual_clock(coro_factory: Any, loop: Any = None) -> Any:
    """Runs ``coro_factory()`` on a VirtualClockLoop (a new one unless given), then cancels what is left and closes it."""
    import asyncio

    from asynclings_harness.clock import VirtualClockLoop

    loop = loop or VirtualClockLoop()
    try:
        return loop.run_until_complete(coro_factory())
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in report["checks"]}


def message(report: dict[str, Any], check_id: str) -> str:
    return next(c["message"] for c in report["checks"] if c["id"] == check_id)


def runs_pytest(lesson: str) -> bool:
    """Whether grading ``lesson`` runs the learner's tests with pytest (a testing lesson)."""
    with open(os.path.join(LESSONS, lesson, "check.py"), encoding="utf-8") as handle:
        return "tests_catch_mutants" in handle.read()


def have_pytest() -> bool:
    """Whether this interpreter has pytest and pytest-asyncio (the project's .venv does; a bare one may not)."""
    try:
        import pytest  # noqa: F401
        import pytest_asyncio  # noqa: F401
    except ImportError:
        return False
    return True
