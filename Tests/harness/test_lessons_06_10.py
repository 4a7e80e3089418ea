"""Lessons 06-10 graded on the interpreter running the tests, as `asynclings verify` grades them.

The starter compiles and fails, the solution passes every check, each wrong variant
fails the check its first line declares (`# expect: fail <check>`), and the solution
has no static-pass notes. Without pytest (a bare interpreter), lesson 10 must be a
clear environment error instead. Run this on every supported Python:
``python -m unittest discover -s Tests/harness``
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import unittest
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GRADE = os.path.join(ROOT, "Sources", "Grading", "harness", "grade.py")
LESSONS = sorted(glob.glob(os.path.join(ROOT, "lessons", "0[6-9]-*")) + glob.glob(os.path.join(ROOT, "lessons", "10-*")))

try:
    import pytest  # noqa: F401
    import pytest_asyncio  # noqa: F401
    HAVE_PYTEST = True
except ImportError:
    HAVE_PYTEST = False


def grade(lesson: str, path: str) -> dict:
    read, write = os.pipe()
    child = subprocess.Popen([sys.executable, "-s", "-P", GRADE, "--lesson-dir", lesson, "--lesson-id",
                              os.path.basename(lesson), "--file", path, "--report-fd", str(write)],
                             pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONHASHSEED": "0",
                                  "LANG": "C.UTF-8"})
    os.close(write)
    with os.fdopen(read, "rb") as channel:
        data = channel.read()
    child.wait(timeout=60)
    if not data:
        raise AssertionError(f"no report for {path}: {child.stderr.read().decode() if child.stderr else ''}")
    return json.loads(data)


def expected_failure(path: str) -> str:
    with open(path) as handle:
        first = handle.readline().strip()
    prefix = "# expect: fail "
    assert first.startswith(prefix), f"{path}: line 1 should be '{prefix}<check>'"
    return first[len(prefix):]


class LessonFiles(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls) -> None:
        jobs = []
        for lesson in LESSONS:
            for path in [os.path.join(lesson, "starter.py"), os.path.join(lesson, "solution.py"),
                         *sorted(glob.glob(os.path.join(lesson, "wrong", "*.py")))]:
                jobs.append((lesson, path))
        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = list(pool.map(lambda job: grade(*job), jobs))
        cls.reports = {path: report for (_, path), report in zip(jobs, reports)}

    def failed(self, report: dict) -> set[str]:
        return {c["id"] for c in report["checks"] if c["status"] in ("fail", "error")}

    def test_the_five_lessons_are_there(self) -> None:
        self.assertEqual([os.path.basename(p) for p in LESSONS],
                         ["06-missing-await", "07-blocking-calls", "08-cancellation", "09-sync-bridge", "10-testing-async"])

    def test_every_file(self) -> None:
        for path, report in sorted(self.reports.items()):
            name = os.path.relpath(path, ROOT)
            with self.subTest(file=name):
                if "10-testing-async" in path and not HAVE_PYTEST:
                    self.assertEqual(report["status"], "error", name)
                    message = next(c["message"] for c in report["checks"] if c["id"] == "tests-catch-mutants")
                    self.assertIn("make venv", message)
                    continue
                compiled = next(c for c in report["checks"] if c["id"] == "compile")
                self.assertEqual(compiled["status"], "pass", name)
                kind = os.path.basename(path)
                if kind == "solution.py":
                    self.assertEqual(report["status"], "pass", f"{name}: {self.failed(report)} {report['checks']}")
                    self.assertEqual(report.get("notes", []), [], f"{name} should draw no static notes")
                elif kind == "starter.py":
                    self.assertEqual(report["status"], "fail", name)
                else:
                    check = expected_failure(path)
                    self.assertEqual(report["status"], "fail", name)
                    self.assertIn(check, self.failed(report), f"{name} should fail {check}: {report['checks']}")


if __name__ == "__main__":
    unittest.main()
