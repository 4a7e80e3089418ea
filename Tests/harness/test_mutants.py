"""The mutant machinery behind `tests-catch-mutants`.

The judging logic is tested everywhere; the end-to-end runs need pytest and
pytest-asyncio (the project's .venv has them) and are skipped where they are missing.
Run from the repository root: ``python -m unittest discover -s Tests/harness``
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "Grading", "harness"))

from asynclings_harness import mutants as M  # noqa: E402
from asynclings_harness import report as R  # noqa: E402

try:
    import pytest  # noqa: F401
    import pytest_asyncio  # noqa: F401
    HAVE_PYTEST = True
except ImportError:
    HAVE_PYTEST = False

REFERENCE = textwrap.dedent('''
    import asyncio

    async def double(x: int) -> int:
        await asyncio.sleep(3600)
        return 2 * x

    async def pair(x: int) -> tuple:
        return (await double(x), x)
''')
MUTANTS = [
    M.Mutant("off-by-one", "double answers one too many", "check double's exact answer",
             "return 2 * x", "return 2 * x + 1"),
    M.Mutant("instant", "double answers at once", "time double on the loop's clock",
             "    await asyncio.sleep(3600)\n", ""),
    M.Mutant("swapped", "pair puts its items the wrong way round", "check pair's order",
             "return (await double(x), x)", "return (x, await double(x))"),
]


class Recorder:
    """Stands in for a Trial: records the verdicts judge() gives."""

    def __init__(self) -> None:
        self.results = R.Results([R.TESTS_CATCH_MUTANTS])

    def fail(self, check_id: str, message: str) -> None:
        self.results.failed(check_id, message)

    def passed(self, check_id: str, message: str | None = None) -> None:
        self.results.passed(check_id, message)

    @property
    def verdict(self) -> tuple[str, str]:
        check = self.results.checks[R.TESTS_CATCH_MUTANTS]
        return check.status, check.message


def subject_run(label: str, **outcomes: str) -> M.SubjectRun:
    run = M.SubjectRun(label)
    for name, outcome in outcomes.items():
        run.results[f"t.py::{name}"] = M.TestResult(name, outcome, 3, "AssertionError" if outcome == "failed" else "")
    return run


class MutantsAndJudging(unittest.TestCase):
    def test_apply_replaces_exactly_one_passage(self) -> None:
        self.assertIn("return 2 * x + 1", MUTANTS[0].apply(REFERENCE))
        with self.assertRaises(ValueError):
            M.Mutant("none", "", "", "not in the source", "").apply(REFERENCE)
        with self.assertRaises(ValueError):
            M.Mutant("twice", "", "", "x", "y").apply(REFERENCE)

    def test_survivors_are_mutants_every_reference_passing_test_passes(self) -> None:
        run = M.MutationRun(subject_run("ref", test_a="passed", test_b="passed", test_c="skipped"), [
            (MUTANTS[0], subject_run("m0", test_a="failed", test_b="passed")),
            (MUTANTS[1], subject_run("m1", test_a="passed", test_b="passed", test_c="failed")),
            (MUTANTS[2], M.SubjectRun("m2", collection_error="ImportError")),
        ])
        self.assertEqual([m.name for m in run.survivors()], ["instant"])

    def test_judge_names_the_behaviour_not_the_code(self) -> None:
        t = Recorder()
        run = M.MutationRun(subject_run("ref", test_a="passed"),
                            [(m, subject_run(m.name, test_a="failed" if m.name == "off-by-one" else "passed")) for m in MUTANTS])
        M.judge(t, run, MUTANTS)  # type: ignore[arg-type]
        status, message = t.verdict
        self.assertEqual(status, R.FAIL)
        self.assertIn("2 of 3 broken versions", message)
        self.assertIn("double answers at once", message)
        self.assertIn("pair puts its items the wrong way round", message)
        self.assertNotIn("double answers one too many", message)
        self.assertNotIn("2 * x", message)

    def test_judge_verdicts_before_any_mutant(self) -> None:
        cases = [
            (M.SubjectRun("ref", collection_error="ModuleNotFoundError: No module named 'subjekt'"), "could not load"),
            (M.SubjectRun("ref"), "found no tests"),
            (subject_run("ref", test_a="failed"), "fail against the correct subject"),
            (subject_run("ref", test_a="skipped"), "skipped"),
        ]
        for reference, expected in cases:
            with self.subTest(expected=expected):
                t = Recorder()
                M.judge(t, M.MutationRun(reference), MUTANTS)  # type: ignore[arg-type]
                status, message = t.verdict
                self.assertEqual(status, R.FAIL)
                self.assertIn(expected, message)

    def test_judge_passes_when_every_mutant_is_caught(self) -> None:
        t = Recorder()
        run = M.MutationRun(subject_run("ref", test_a="passed"), [(m, subject_run(m.name, test_a="failed")) for m in MUTANTS])
        M.judge(t, run, MUTANTS)  # type: ignore[arg-type]
        self.assertEqual(t.verdict[0], R.PASS)
        self.assertIn("caught all 3", t.verdict[1])

    def test_missing_pytest_is_an_environment_problem(self) -> None:
        with mock.patch.dict(sys.modules, {"pytest": None}):
            with self.assertRaises(M.EnvironmentProblem) as caught:
                M.run_tests("tests.py", REFERENCE, MUTANTS)
        self.assertIn("make venv", str(caught.exception))


@unittest.skipUnless(HAVE_PYTEST, "pytest and pytest-asyncio are not installed for this interpreter")
class EndToEnd(unittest.TestCase):
    def run_tests(self, tests: str) -> M.MutationRun:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "10-tests.py")
            with open(path, "w") as handle:
                handle.write(textwrap.dedent(tests))
            run = M.run_tests(path, REFERENCE, MUTANTS)
            self.assertEqual(os.listdir(folder), ["10-tests.py"], "nothing may be written beside the learner's file")
            return run

    def test_a_thorough_suite_catches_every_mutant_on_the_virtual_clock(self) -> None:
        # test_takes_an_hour passes only on the virtual clock (exactly 3600 s, in no real time).
        run = self.run_tests('''
            import asyncio
            import pytest
            import subject
            from subject import double, pair

            @pytest.mark.asyncio
            async def test_value():
                assert await double(4) == 8

            @pytest.mark.asyncio
            async def test_takes_an_hour():
                loop = asyncio.get_running_loop()
                start = loop.time()
                await double(1)
                assert loop.time() - start == 3600

            @pytest.mark.asyncio
            async def test_pair_uses_double_through_the_module(monkeypatch):
                async def fake(x):
                    return "fake"
                monkeypatch.setattr(subject, "double", fake)
                assert await pair(5) == ("fake", 5)
        ''')
        self.assertEqual({r.outcome for r in run.reference.results.values()}, {"passed"})
        self.assertEqual(len(run.reference.results), 3)
        self.assertEqual(run.survivors(), [])
        caught_by = {m.name: sorted(r.name for r in sub.results.values() if r.outcome == "failed") for m, sub in run.mutants}
        self.assertEqual(caught_by, {"off-by-one": ["test_value"], "instant": ["test_takes_an_hour"],
                                     "swapped": ["test_pair_uses_double_through_the_module"]})

    def test_weak_tests_let_mutants_through(self) -> None:
        run = self.run_tests('''
            import pytest
            from subject import double

            @pytest.mark.asyncio
            async def test_something():
                assert await double(4) is not None
        ''')
        self.assertEqual([m.name for m in run.survivors()], ["off-by-one", "instant", "swapped"])

    def test_unmarked_async_tests_and_reference_failures_are_reported(self) -> None:
        run = self.run_tests('''
            import pytest
            from subject import double

            async def test_unmarked():
                assert await double(1) == 2

            @pytest.mark.asyncio
            async def test_wrong_expectation():
                assert await double(1) == 3
        ''')
        reasons = {r.name: r.reason for r in run.reference.failed}
        self.assertIn(M.NOT_NATIVE, reasons["test_unmarked"])
        self.assertIn("assert 2 == 3", reasons["test_wrong_expectation"])

    def test_import_errors_are_collection_errors(self) -> None:
        run = self.run_tests('''
            from subject import no_such_function

            def test_nothing():
                pass
        ''')
        self.assertIsNotNone(run.reference.collection_error)
        self.assertIn("no_such_function", run.reference.collection_error or "")

    def test_nothing_is_left_in_sys_modules(self) -> None:
        self.run_tests('''
            from subject import double

            def test_plain():
                assert callable(double)
        ''')
        self.assertFalse("subject" in sys.modules, "the subject module was left behind")
        self.assertFalse([name for name in sys.modules if name.endswith("10-tests")])


if __name__ == "__main__":
    unittest.main()
