"""Lessons 06-10 on the interpreter running the tests, beyond what test_grading checks for every lesson.

The starters compile and fail; the solutions draw no static-pass notes (a note on a
correct solution would be noise for every learner); and on an interpreter without
pytest, the testing lesson is a clear environment error, never a pass or a fail.
Run on every supported Python by scripts/test-harness.
"""

from __future__ import annotations

import os
import unittest
from concurrent.futures import ThreadPoolExecutor

from support import LESSONS, grade, have_pytest, message, runs_pytest, statuses

NEW_LESSONS = ["06-missing-await", "07-blocking-calls", "08-cancellation", "09-sync-bridge", "10-testing-async"]


def grade_files(name: str) -> dict[str, dict]:
    jobs = [(lesson, os.path.join(LESSONS, lesson, name)) for lesson in NEW_LESSONS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(NEW_LESSONS, pool.map(lambda job: grade(job[0], path=job[1]), jobs)))


class NewLessons(unittest.TestCase):
    def test_the_lessons_are_there(self) -> None:
        for lesson in NEW_LESSONS:
            for name in ("lesson.md", "check.py", "starter.py", "solution.py"):
                self.assertTrue(os.path.isfile(os.path.join(LESSONS, lesson, name)), f"{lesson}/{name}")
            self.assertGreaterEqual(len(os.listdir(os.path.join(LESSONS, lesson, "wrong"))), 3, lesson)

    def test_starters_compile_and_fail(self) -> None:
        for lesson, report in grade_files("starter.py").items():
            with self.subTest(lesson=lesson):
                if runs_pytest(lesson) and not have_pytest():
                    continue
                self.assertEqual(statuses(report)["compile"], "pass", report)
                self.assertEqual(report["status"], "fail", report)

    def test_solutions_draw_no_static_notes(self) -> None:
        for lesson, report in grade_files("solution.py").items():
            with self.subTest(lesson=lesson):
                if runs_pytest(lesson) and not have_pytest():
                    self.assertEqual(report["status"], "error", report)
                    self.assertIn("make venv", message(report, "tests-catch-mutants"))
                    continue
                self.assertEqual(report["status"], "pass", report)
                self.assertEqual(report.get("notes", []), [], lesson)


@unittest.skipUnless(have_pytest(), "pytest and pytest-asyncio are not installed for this interpreter")
class TestingLesson(unittest.TestCase):
    def test_generic_checks_judge_the_tests_against_the_correct_subject_only(self) -> None:
        # asyncio.run inside a plain test runs on the grader's loop; against the mutant that
        # leaks its task, the leak happens under the learner's line, but is the mutant's doing.
        report = grade("10-testing-async", """
            import asyncio
            from subject import with_timeout

            def test_with_timeout_gives_up():
                assert asyncio.run(with_timeout(5, 1)) is None
        """)
        self.assertEqual(statuses(report)["tests-catch-mutants"], "fail", report)
        self.assertEqual(statuses(report)["leaked-tasks"], "pass", report)
        self.assertIn("leaves the slow operation running", message(report, "tests-catch-mutants"))


if __name__ == "__main__":
    unittest.main()
