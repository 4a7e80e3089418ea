"""Lesson 10's reference tests, and its correct alternatives, pass under plain pytest too.

The grader runs a learner's tests on a virtual clock, where timings are exact. A lesson
that teaches timing assertions must teach ones that also hold on a real clock, so the
reference tests run here with pytest and pytest-asyncio on an ordinary event loop, in
real time (a few seconds each, run side by side).
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import unittest
from concurrent.futures import ThreadPoolExecutor

from support import LESSONS, have_pytest

LESSON = os.path.join(LESSONS, "10-testing-async")


def plain_pytest(path: str) -> subprocess.CompletedProcess[str]:
    # Only the plugins named below: the same on every machine, whatever else is installed.
    env = dict(os.environ, PYTHONPATH=LESSON, PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_asyncio.plugin",
         "-o", "asyncio_mode=strict", "-o", "asyncio_default_fixture_loop_scope=function", path],
        cwd=LESSON, env=env, capture_output=True, text=True, timeout=120)


@unittest.skipUnless(have_pytest(), "pytest and pytest-asyncio are not installed for this interpreter")
class PlainPytest(unittest.TestCase):
    def test_reference_and_right_tests_pass_on_a_real_clock(self) -> None:
        files = [os.path.join(LESSON, "solution.py")] + sorted(glob.glob(os.path.join(LESSON, "right", "*.py")))
        with ThreadPoolExecutor(max_workers=len(files)) as pool:
            runs = list(pool.map(plain_pytest, files))
        for path, run in zip(files, runs):
            with self.subTest(file=os.path.relpath(path, LESSON)):
                self.assertEqual(run.returncode, 0, run.stdout[-3000:] + run.stderr[-2000:])


if __name__ == "__main__":
    unittest.main()
