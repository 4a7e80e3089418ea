"""Mutation testing of the learner's own tests: the ``tests-catch-mutants`` check.

In a testing lesson the learner writes pytest tests for a module named ``subject``.
The grader runs them against the lesson's reference subject, where every test must
pass, and then against each *mutant*: the reference with one deliberate defect. A
good suite fails on every mutant; a mutant whose run passes names a behaviour the
tests never look at, and the message says that behaviour (never the mutant's code).

All runs share one pytest session, because starting pytest costs more than running
every test many times over. The tests are collected against the reference; for each
mutant a fresh ``subject`` module is installed and the test module imported again,
so ``from subject import fetch_data`` and ``monkeypatch.setattr(subject, ...)`` see
the mutant exactly as they would see a real module.

Only behaviour tells the subjects apart. Each claims to be the same file (which holds
the reference), and a mutant's code keeps the reference's line numbers (see
:func:`compile_subject`), so ``__file__``, ``inspect.getsource`` or ``co_firstlineno``
say nothing. Nor does the order: the reference runs first, to collect the tests, and
once more among the mutants, at a place the grade's seed picks; a test that passes the
first time only (it remembers earlier runs) fails there. pytest-asyncio runs every async
test on a virtual-clock loop (its ``pytest_asyncio_loop_factories`` hook), so a suite
full of sleeps takes no real time, and a timing assertion is exact.

pytest and pytest-asyncio come from the project's .venv (requirements.txt). They are
imported only here, only for the lessons that need them; the rest of the harness
stays stdlib-only. Without them the check is an environment error, not a failure.
"""

from __future__ import annotations

import ast
import os
import random
import sys
import tempfile
import types
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

from . import report as R
from .clock import VirtualClockLoop

if TYPE_CHECKING:
    from .trial import Trial

# Plugins a grade does not need: they cost start-up time, write files, or catch
# the warnings and unraisable exceptions the harness records itself.
DISABLED_PLUGINS = ("cacheprovider", "warnings", "unraisableexception", "threadexception", "logging",
                    "faulthandler", "terminal", "pastebin", "junitxml", "doctest", "stepwise")
NOT_NATIVE = "async def functions are not natively supported"
SHOWN = 4  # failing tests or surviving mutants listed in one message


@dataclass(frozen=True)
class Mutant:
    """A deliberately broken subject: the reference source with one passage replaced.

    ``behaviour`` says what is broken in the learner's terms ("with_timeout never
    gives up"); ``hint`` what kind of test would notice. ``find`` must occur exactly
    once in the reference.
    """

    name: str
    behaviour: str
    hint: str
    find: str
    replace: str

    def apply(self, reference: str) -> str:
        count = reference.count(self.find)
        if count != 1:
            raise ValueError(f"mutant {self.name!r}: the text to replace occurs {count} times in the reference subject, not once")
        return reference.replace(self.find, self.replace)


@dataclass
class TestResult:
    """One test's outcome against one subject."""

    name: str
    outcome: str = "passed"  # passed | failed | skipped
    line: int | None = None
    reason: str = ""


@dataclass
class SubjectRun:
    """Every test's outcome against one subject, and what stopped collection if anything did."""

    label: str
    results: dict[str, TestResult] = field(default_factory=dict)
    collection_error: str | None = None

    def outcome(self, nodeid: str) -> str:
        result = self.results.get(nodeid)
        return result.outcome if result else "missing"

    @property
    def failed(self) -> list[TestResult]:
        return [r for r in self.results.values() if r.outcome == "failed"]


@dataclass
class MutationRun:
    reference: SubjectRun
    mutants: list[tuple[Mutant, SubjectRun]] = field(default_factory=list)
    reference_again: SubjectRun | None = None  # the reference, run again among the mutants

    def unsteady(self) -> list[TestResult]:
        """Tests that passed on the reference at first, but not when it ran again among the mutants."""
        if self.reference_again is None:
            return []
        return [self.reference.results[nodeid] for nodeid in self.passing_on_reference()
                if self.reference_again.outcome(nodeid) != "passed"]

    def passing_on_reference(self) -> list[str]:
        return [nodeid for nodeid, r in self.reference.results.items() if r.outcome == "passed"]

    def survivors(self) -> list[Mutant]:
        """Mutants no test noticed: every test that passes on the reference passes on them too."""
        kept = self.passing_on_reference()
        survived = []
        for mutant, run in self.mutants:
            if run.collection_error is None and all(run.outcome(nodeid) == "passed" for nodeid in kept):
                survived.append(mutant)
        return survived


class EnvironmentProblem(Exception):
    """pytest or pytest-asyncio is missing or too old: the grade cannot run, whatever the learner wrote."""


# -- running ----------------------------------------------------------------------------


def run_tests(test_file: str, reference_source: str, mutants: Sequence[Mutant], *, module: str = "subject",
              new_loop: Any = VirtualClockLoop, after_reference: Callable[[], None] | None = None,
              seed: int = 0) -> MutationRun:
    """Runs the tests in ``test_file`` against the reference subject, then against each mutant and the reference again.

    ``after_reference`` is called between the first reference run and the rest; ``seed``
    picks the order of the rest.
    """
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the plugins named below, whatever is installed
    try:
        import pytest
        import pytest_asyncio.plugin  # noqa: F401
    except ImportError as error:
        raise EnvironmentProblem(
            f"this lesson runs your tests with pytest and pytest-asyncio, and {sys.executable} cannot import them "
            f"({error}). Run `make venv` in the course folder: requirements.txt pins both.") from None
    if not hasattr(pytest_asyncio.plugin, "_collect_hook_loop_factories"):
        raise EnvironmentProblem("this lesson needs pytest-asyncio 1.5 (pinned in requirements.txt), which lets the grader "
                                 "run tests on its virtual clock; run `make venv` in the course folder.")
    sources = [("the correct subject", reference_source)] + [(m.name, m.apply(reference_source)) for m in mutants]
    sources.append(("the correct subject, again", reference_source))
    later = list(range(1, len(sources)))
    random.Random(f"mutants {seed}").shuffle(later)
    saved_modules = set(sys.modules)
    with tempfile.TemporaryDirectory(prefix="asynclings-pytest-") as scratch:
        subject_file = os.path.join(scratch, f"{module}.py")
        with open(subject_file, "w", encoding="utf-8") as handle:
            handle.write(reference_source)
        subjects = [(label, compile_subject(source, reference_source, subject_file)) for label, source in sources]
        plugin = _Runner(pytest, test_file, module, subject_file, subjects, [0, *later], new_loop, after_reference)
        ini = os.path.join(scratch, "pytest.ini")
        with open(ini, "w") as handle:
            handle.write("[pytest]\n")
        args = ["-c", ini, "--rootdir", os.path.dirname(os.path.abspath(test_file)), "--noconftest",
                "--import-mode=importlib", "-s", "-p", "pytest_asyncio.plugin",
                "-o", "asyncio_mode=strict", "-o", "asyncio_default_fixture_loop_scope=function",
                "-o", "asyncio_default_test_loop_scope=function"]
        for name in DISABLED_PLUGINS:
            args += ["-p", f"no:{name}"]
        # pytest caches the assertion-rewritten test module beside it, unless a pycache prefix (as the
        # grader gives) sends it elsewhere: never write into the learner's folder. With the prefix,
        # keep writing, or every module pytest imports lazily would compile from source every grade.
        saved_dont_write = sys.dont_write_bytecode
        sys.dont_write_bytecode = saved_dont_write or not getattr(sys, "pycache_prefix", None)
        try:
            code = pytest.main([*args, os.path.abspath(test_file)], plugins=[plugin])
        finally:
            sys.dont_write_bytecode = saved_dont_write
            for name in set(sys.modules) - saved_modules:
                if name == module or plugin.is_test_module(sys.modules.get(name)):
                    sys.modules.pop(name, None)
    if plugin.internal_error is not None:
        raise RuntimeError(f"pytest failed inside the grader: {plugin.internal_error}")
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise RuntimeError(f"pytest refused the grader's command line (exit {int(code)}): {' '.join(args)}")
    return MutationRun(plugin.runs[0], list(zip(mutants, plugin.runs[1:-1])), plugin.runs[-1])


def compile_subject(source: str, reference: str, filename: str) -> types.CodeType:
    """Compiles ``source`` (the reference, or a mutant of it) as though it were the reference file ``filename``.

    The lines a mutant kept carry the numbers they have in the reference; the lines it
    changed or added take the numbers of the passage they replace. Line numbers, like
    the file name, are then the same for every subject.
    """
    tree = ast.parse(source, filename)
    if source != reference:
        numbers = _reference_lines(reference.split("\n"), source.split("\n"))
        for node in ast.walk(tree):
            start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
            if start is None:
                continue
            node.lineno = numbers.get(start, start)
            if end is not None:
                node.end_lineno = numbers.get(end, end)
                if node.end_lineno == node.lineno and end != start:
                    node.end_col_offset = max(node.end_col_offset or 0, node.col_offset)  # a span now within one line
    return compile(tree, filename, "exec", dont_inherit=True)


def _reference_lines(reference: list[str], mutant: list[str]) -> dict[int, int]:
    """Maps each line number of ``mutant`` to the reference line it stands for (both counted from 1)."""
    import difflib  # only testing lessons pay for it

    numbers: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, reference, mutant, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            offset = j - j1
            numbers[j + 1] = i1 + offset + 1 if tag == "equal" else min(i1 + offset, max(i1, i2 - 1)) + 1
    return numbers


class _Runner:
    """A pytest plugin: runs the collected tests once per subject, and records every outcome."""

    def __init__(self, pytest: Any, test_file: str, module: str, subject_file: str, subjects: list[tuple[str, types.CodeType]],
                 order: list[int], new_loop: Any, after_reference: Callable[[], None] | None) -> None:
        self.pytest = pytest
        self.after_reference = after_reference
        self.test_file = os.path.abspath(test_file)
        self.module = module
        self.subject_file = subject_file
        self.subjects = subjects  # the reference first, the mutants, the reference again
        self.order = order  # the order they run in: the reference first
        self.new_loop = new_loop
        self.runs: list[SubjectRun] = [SubjectRun(label) for label, _ in subjects]
        self.current = 0
        self.internal_error: str | None = None
        self.install(0)

    def is_test_module(self, module: Any) -> bool:
        return getattr(module, "__file__", None) == self.test_file

    def install(self, index: int) -> None:
        """Makes ``import subject`` give a fresh module built from subject ``index``."""
        subject = types.ModuleType(self.module)
        subject.__file__ = self.subject_file
        exec(self.subjects[index][1], subject.__dict__)
        sys.modules[self.module] = subject
        for name, loaded in list(sys.modules.items()):
            if self.is_test_module(loaded):
                del sys.modules[name]  # the next collection imports the tests again, against this subject

    # -- hooks --------------------------------------------------------------------------

    def pytest_configure(self, config: Any) -> None:
        # Only each failure's last line is shown, and pytest's default traceback (source
        # ranges of every frame) costs more than running the tests: use the plain one.
        config.option.tbstyle = "native"

    def pytest_asyncio_loop_factories(self, config: Any, item: Any) -> dict[str, Any]:
        return {"virtual-clock": self.new_loop}

    def pytest_runtestloop(self, session: Any) -> bool:
        if self.runs[0].collection_error is not None or not session.items:
            return True
        self.run_items(session.items, until_failure=False)
        if self.after_reference is not None:
            self.after_reference()
        module_node = session.items[0].getparent(self.pytest.Module)
        again = len(self.subjects) - 1
        for index in self.order[1:]:
            self.current = index
            self.install(index)
            fresh = self.pytest.Module.from_parent(module_node.parent, path=module_node.path)
            self.run_items(list(session.genitems(fresh)), until_failure=index != again)
        return True

    def run_items(self, items: list[Any], *, until_failure: bool) -> None:
        """Runs ``items`` in order. Against a mutant, one failing test is enough: the rest are skipped.

        Stopping early needs every item torn down completely (``nextitem=None``), so that
        no fixture is left set up for an item that will never run.
        """
        run = self.runs[self.current]
        for i, item in enumerate(items):
            nextitem = None if until_failure else (items[i + 1] if i + 1 < len(items) else None)
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            if until_failure and run.failed:
                break

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed and self.runs[self.current].collection_error is None:
            self.runs[self.current].collection_error = _longrepr_text(report)[-1500:]

    def pytest_runtest_logreport(self, report: Any) -> None:
        run = self.runs[self.current]
        result = run.results.setdefault(report.nodeid, TestResult(report.nodeid.split("::")[-1], line=_test_line(report)))
        if result.outcome == "failed":
            return
        if report.failed:
            result.outcome = "failed"
            result.reason = _failure_reason(report)
        elif report.skipped and result.outcome == "passed":
            result.outcome = "skipped"

    def pytest_internalerror(self, excrepr: Any) -> None:
        self.internal_error = str(excrepr)[-2000:]


def _test_line(report: Any) -> int | None:
    location = getattr(report, "location", None)
    return location[1] + 1 if location and location[1] is not None else None


def _longrepr_text(report: Any) -> str:
    return str(getattr(report, "longreprtext", "") or report.longrepr or "")


def _failure_reason(report: Any) -> str:
    """One line: the exception and where in the test it happened."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        message = crash.message.strip().splitlines()
        text = " ".join(line.strip() for line in message[:3])
        return text[:300] + (f" (line {crash.lineno})" if crash.lineno else "")
    return _longrepr_text(report).strip().splitlines()[-1][:300] if report.longrepr else "failed"


# -- judging ------------------------------------------------------------------------------


def judge(t: Trial, run: MutationRun, mutants: Sequence[Mutant]) -> None:
    """Records ``tests-catch-mutants`` from a finished run, in the learner's terms."""
    check = R.TESTS_CATCH_MUTANTS
    reference = run.reference
    if reference.collection_error is not None:
        t.fail(check, "pytest could not load your test file against the correct subject:\n"
                      f"{_indent(reference.collection_error)}\n"
                      "Fix: import what you test from `subject` (`from subject import fetch_data, slow_operation, with_timeout`).")
        return
    if not reference.results:
        t.fail(check, "pytest found no tests in your file. Write functions whose names start with `test_`; "
                      "mark the `async def` ones with `@pytest.mark.asyncio`.")
        return
    unmarked = [r for r in reference.failed if NOT_NATIVE in r.reason]
    if unmarked:
        names = ", ".join(f"`{r.name}`" for r in unmarked[:SHOWN])
        if len(unmarked) > SHOWN:
            names += f" (and {len(unmarked) - SHOWN} more)"
        t.fail(check, f"{names} {'is' if len(unmarked) == 1 else 'are'} `async def` without `@pytest.mark.asyncio`, so "
                      "pytest cannot run them. Put `@pytest.mark.asyncio` on the line above each async test.")
        return
    if reference.failed:
        lines = [f"  • {r.name}{f' (line {r.line})' if r.line else ''}: {r.reason}" for r in reference.failed[:SHOWN]]
        more = f"\n  (and {len(reference.failed) - SHOWN} more)" if len(reference.failed) > SHOWN else ""
        t.fail(check, f"{len(reference.failed)} of your tests fail against the correct subject, so they would fail on "
                      "working code too:\n" + "\n".join(lines) + more +
                      "\nFix: a test should pass when the code does what the lesson describes; check its expected values "
                      "and timings.")
        return
    passing = run.passing_on_reference()
    if not passing:
        t.fail(check, "none of your tests ran to a pass (all were skipped), so they cannot catch anything.")
        return
    unsteady = run.unsteady()
    if unsteady:
        names = ", ".join(f"`{r.name}`" for r in unsteady[:SHOWN])
        if len(unsteady) > SHOWN:
            names += f" (and {len(unsteady) - SHOWN} more)"
        t.fail(check, f"{names} passed against the correct subject, then failed when the same subject was tested again "
                      "later, among the broken ones. A test must judge what the code does, not what ran before it: keep no "
                      "state between runs, and tell a broken subject from the correct one only by its behaviour.")
        return
    survivors = run.survivors()
    if survivors:
        lines = [f"  • {m.behaviour}. {m.hint}" for m in survivors]
        t.fail(check, f"your tests passed against {len(survivors)} of {len(mutants)} broken versions of the subject, "
                      "so they would not notice these bugs:\n" + "\n".join(lines))
        return
    t.passed(check, f"your {len(passing)} tests pass on the correct subject and caught all {len(mutants)} broken versions: "
                    + "; ".join(m.behaviour for m in mutants))


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-12:])
