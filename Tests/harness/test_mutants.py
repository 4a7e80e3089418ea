"""The mutant machinery behind `tests-catch-mutants`.

The judging logic is tested everywhere; the end-to-end runs need pytest and
pytest-asyncio (the project's .venv has them) and are skipped where they are missing.
Run from the repository root: ``python -m unittest discover -s Tests/harness``
"""

from __future__ import annotations

import importlib.util
import inspect
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

    def test_judge_fails_tests_that_pass_on_the_reference_only_the_first_time(self) -> None:
        t = Recorder()
        run = M.MutationRun(subject_run("ref", test_a="passed", test_first="passed"),
                            [(m, subject_run(m.name, test_a="passed", test_first="failed")) for m in MUTANTS],
                            subject_run("ref again", test_a="passed", test_first="failed"))
        M.judge(t, run, MUTANTS)  # type: ignore[arg-type]
        status, message = t.verdict
        self.assertEqual(status, R.FAIL)
        self.assertIn("`test_first` passed against the correct subject, then failed", message)
        self.assertNotIn("test_a", message)

    def test_missing_pytest_is_an_environment_problem(self) -> None:
        with mock.patch.dict(sys.modules, {"pytest": None}):
            with self.assertRaises(M.EnvironmentProblem) as caught:
                M.run_tests("tests.py", REFERENCE, MUTANTS)
        self.assertIn("make venv", str(caught.exception))


class IndistinguishableSubjects(unittest.TestCase):
    """Every subject of lesson 10 looks like the reference file: same file name, source and line numbers."""

    def setUp(self) -> None:
        lesson = os.path.join(os.path.dirname(__file__), "..", "..", "lessons", "10-testing-async")
        with open(os.path.join(lesson, "subject.py"), encoding="utf-8") as handle:
            self.reference = handle.read()
        spec = importlib.util.spec_from_file_location("lesson_10_check", os.path.join(lesson, "check.py"))
        assert spec is not None and spec.loader is not None
        check = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(check)
        self.mutants = check.MUTANTS
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.file = os.path.join(folder.name, "subject.py")
        with open(self.file, "w", encoding="utf-8") as handle:
            handle.write(self.reference)

    def looks(self, source: str) -> dict[str, tuple[object, ...]]:
        """What a test could read off each function without running it."""
        namespace: dict[str, object] = {}
        exec(M.compile_subject(source, self.reference, self.file), namespace)
        functions = {name: value for name, value in namespace.items() if inspect.isfunction(value)}
        return {name: (f.__code__.co_filename, f.__code__.co_firstlineno, f.__qualname__, inspect.getsource(f),
                       max(line for _, _, line in f.__code__.co_lines() if line) <= len(self.reference.splitlines()))
                for name, f in functions.items()}

    def test_file_name_source_and_line_numbers_are_the_reference_s_for_every_mutant(self) -> None:
        reference = self.looks(self.reference)
        self.assertEqual(set(reference), {"fetch_data", "slow_operation", "with_timeout"})
        for mutant in self.mutants:
            with self.subTest(mutant=mutant.name):
                self.assertEqual(self.looks(mutant.apply(self.reference)), reference)

    def test_lines_a_mutant_kept_keep_their_reference_numbers(self) -> None:
        removed = M.Mutant("instant", "", "", "    await asyncio.sleep(3600)\n", "")
        source = removed.apply(REFERENCE)
        namespace: dict[str, object] = {}
        exec(M.compile_subject(source, REFERENCE, "<subject>"), namespace)
        pair = namespace["pair"]
        reference_line = REFERENCE.splitlines().index("    return (await double(x), x)") + 1
        self.assertIn(reference_line, {line for _, _, line in pair.__code__.co_lines()})  # type: ignore[attr-defined]


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

    def test_a_test_that_looks_at_the_subject_s_file_tells_nothing_apart(self) -> None:
        run = self.run_tests('''
            import subject

            def test_is_the_reference():
                assert "mutant" not in subject.__file__ and "off-by-one" not in subject.__file__

            def test_source_is_the_reference_s():
                with open(subject.__file__) as handle:
                    assert "return 2 * x\\n" in handle.read()
        ''')
        self.assertEqual([m.name for m in run.survivors()], ["off-by-one", "instant", "swapped"])

    def test_a_test_that_passes_only_on_the_first_run_fails_on_the_reference_run_again(self) -> None:
        run = self.run_tests('''
            import os
            from subject import double

            FIRST = "MUTANT_TEST_SEEN" not in os.environ
            os.environ["MUTANT_TEST_SEEN"] = "1"

            def test_first():
                assert FIRST
        ''')
        os.environ.pop("MUTANT_TEST_SEEN", None)
        self.assertEqual([r.name for r in run.unsteady()], ["test_first"])

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
