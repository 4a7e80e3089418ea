"""Correct solutions other than the reference pass every check, schedules included.

Checks must judge behaviour, not resemblance to the reference solution: each file in
alternatives/<lesson>/ solves the exercise differently (join instead of stop markers,
a worker pool instead of a semaphore, ...), and must pass a full grade, with every
explored schedule.
"""

from __future__ import annotations

import os
import unittest
from concurrent.futures import ThreadPoolExecutor

from support import grade

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "alternatives")


class Alternatives(unittest.TestCase):
    def test_every_alternative_passes(self) -> None:
        jobs = [(lesson, os.path.join(HERE, lesson, name)) for lesson in sorted(os.listdir(HERE))
                for name in sorted(os.listdir(os.path.join(HERE, lesson))) if name.endswith(".py")]
        self.assertTrue(jobs)
        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = list(pool.map(lambda job: grade(job[0], path=job[1]), jobs))
        for (lesson, path), report in zip(jobs, reports):
            with self.subTest(file=os.path.relpath(path, HERE)):
                failing = {c["id"]: c["message"][:300] for c in report["checks"] if c["status"] != "pass"}
                self.assertEqual(report["status"], "pass", failing)


if __name__ == "__main__":
    unittest.main()
