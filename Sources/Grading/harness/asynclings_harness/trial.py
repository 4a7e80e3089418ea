"""The API a lesson's ``check.py`` uses: scenarios, and the Trial each one receives.

A check script declares the lesson's own check ids and a few scenarios::

    from asynclings_harness import Trial, scenario

    CHECKS = ["behaviour", "concurrency"]

    @scenario("every user is fetched at once")
    async def all_at_once(t: Trial) -> None:
        fetch_all_users = t.function("fetch_all_users", is_async=True)
        fake = t.fake_async("fetch_user", latency=0.5, result=lambda uid: {"id": uid})
        users = await t.call(fetch_all_users, [1, 2, 3])
        t.expect("concurrency", fake.peak == 3, "...what happened, and the fix...")

Scenarios run in order, each on a fresh virtual-clock loop (``async def``) or
with no loop at all (plain ``def``, for code that calls ``asyncio.run`` itself).
"""

from __future__ import annotations

import asyncio
import bisect
import inspect
import io
import sys
from contextlib import redirect_stdout
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Sequence

from . import children as C
from . import report as R
from .fakes import FakeAsync, FakeBlocking, Latency
from .learner import counted, shorten
from .signals import SavedDispositions, SignalDelivery
from .tracking import Span

if TYPE_CHECKING:
    from .clock import VirtualClockLoop
    from .mutants import Mutant
    from .session import Session


class Scenario:
    """One registered scenario of the lesson's check script."""

    __slots__ = ("title", "function", "virtual_budget", "explore")

    def __init__(self, title: str, function: Callable[[Trial], Awaitable[None] | None], virtual_budget: float,
                 explore: bool | int = False) -> None:
        self.title = title
        self.function = function
        self.virtual_budget = virtual_budget
        self.explore = explore  # run under many seeded schedules (explore.py); an int sets how many

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.function)


REGISTERED: list[Scenario] = []


def scenario(title: str, *, virtual_budget: float = 600.0,
             explore: bool | int = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Registers a scenario of the lesson being graded, in definition order.

    ``explore=True`` runs it under asyncio's ordinary order and then under many
    seeded schedules (``explore.DEFAULT_SCHEDULES``; an int sets the number), until
    one fails: the ``race`` check. Every loop the run creates (the scenario's, or the
    learner's own ``asyncio.run`` in a plain ``def`` scenario) runs under the schedule.
    """

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        REGISTERED.append(Scenario(title, function, virtual_budget, explore))
        return function

    return register


class Abort(Exception):
    """Ends the current scenario early; the reason is already recorded.

    Raised by the grader after a failed requirement, or (with ``cause``) because the
    learner's code cut the scenario short: then what the scenario would have judged
    afterwards was never observed, and what the code left behind follows from ``cause``.
    """

    def __init__(self, reason: str, *, cause: str | None = None, why: str = "") -> None:
        super().__init__(reason)
        self.cause = cause
        self.why = why or reason


class Trial:
    """What one scenario sees: the learner's module, expectations, fakes, the clock."""

    def __init__(self, session: Session, scenario: Scenario, module: Any) -> None:
        self.session = session
        self.scenario = scenario
        self.module = module
        self.seed = session.seed
        self._random: Any = None
        self.failed_ids: set[str] = set()
        self.output = io.StringIO()
        self._patches: list[tuple[Any, str, Any, Any]] = []  # (module, name, original, replacement)
        self.fakes: list[FakeAsync | FakeBlocking] = []
        self.stand_ins: list[str] = []  # the module globals the grader replaced, for the learner's eyes
        self._dispositions = SavedDispositions()
        self.timeline_wanted = False  # keep_timeline(): the report draws this scenario
        self.timeline_learner_tasks = True  # ...with the learner's tasks in it

    @property
    def random(self) -> Any:
        """A ``random.Random`` seeded with the grade's seed (imported on first use: it is not free)."""
        if self._random is None:
            import random

            self._random = random.Random(self.seed)
        return self._random

    # -- expectations -----------------------------------------------------------

    def expect(self, check_id: str, condition: bool, failure: str, success: str | None = None, *,
               follows: str | None = None) -> bool:
        """Records ``check_id`` as passed or failed. ``failure`` says what happened and the fix.

        ``follows`` names a check whose failure would explain this one (the work never
        ran because its coroutine was never awaited): if that check fails, this failure
        is shown as its consequence, not as a second mistake.
        """
        if condition:
            self.session.results.passed(check_id, success)
        else:
            self.fail(check_id, failure, follows=follows)
        return bool(condition)

    def fail(self, check_id: str, message: str, *, follows: str | None = None) -> None:
        self.failed_ids.add(check_id)
        self.session.results.failed(check_id, message, follows=follows)

    def found(self, check_id: str) -> bool:
        """Whether generic check ``check_id`` has found something in this scenario so far (leaked tasks are
        found when ``t.call`` returns; never-awaited coroutines only once the scenario's loop has ended)."""
        return self.session.found_in_scenario(check_id)

    def consequences(self, cause: str, *check_ids: str) -> None:
        """What ``check_ids`` find in this scenario (so far, and until it ends) follows from ``cause``'s failure.

        For a lesson check that names a bug better than the generic check that also sees
        it (an operation abandoned instead of cancelled is a leaked task, too): if
        ``cause`` fails, those findings are shown as its consequence.
        """
        self.session.mark_consequences(cause, check_ids, later=True)

    def passed(self, check_id: str, message: str | None = None) -> None:
        self.session.results.passed(check_id, message)

    def require(self, check_id: str, condition: bool, failure: str) -> None:
        """Like :meth:`expect`, but a failure ends the scenario (later steps depend on it)."""
        if not self.expect(check_id, condition, failure):
            raise Abort(failure)

    def note(self, text: str) -> None:
        self.session.note(text)

    @staticmethod
    def show(value: Any) -> str:
        """A short repr for messages."""
        return shorten(value)

    @staticmethod
    def close(a: float, b: float, tolerance: float = 1e-6) -> bool:
        return abs(a - b) <= tolerance

    @staticmethod
    def count(n: int, singular: str, plural: str | None = None) -> str:
        """``1 fetch``, ``3 fetches``: a number with its noun in agreement."""
        return counted(n, singular, plural)

    # -- the learner's code ---------------------------------------------------------

    def function(self, name: str, *, is_async: bool | None = None, signature: str | None = None) -> Callable[..., Any]:
        """The learner's function ``name``; a clear ``behaviour`` failure if it is missing or the wrong kind."""
        wanted = signature or f"{'async ' if is_async else ''}def {name}(...)"
        value = getattr(self.module, name, None)
        if value is None:
            self.fail(R.BEHAVIOUR, f"`{name}` is missing: define `{wanted}` at the top level of the file.")
            raise Abort(name)
        if not callable(value):
            self.fail(R.BEHAVIOUR, f"`{name}` should be a function (`{wanted}`), but it is {shorten(value)}.")
            raise Abort(name)
        original = getattr(value, "__wrapped__", value)
        if is_async is True and not inspect.iscoroutinefunction(original):
            self.fail(R.BEHAVIOUR, f"`{name}` must be a coroutine function: declare it `{wanted}` (with `async def`).")
            raise Abort(name)
        if is_async is False and inspect.iscoroutinefunction(original):
            self.fail(R.BEHAVIOUR, f"`{name}` must be a plain function (`{wanted}`), not `async def`: it is called from synchronous code.")
            raise Abort(name)
        return value

    def patch(self, name: str, replacement: Any) -> None:
        """Replaces the module global ``name`` for this scenario only."""
        self._patches.append((self.module, name, getattr(self.module, name, _MISSING), replacement))
        setattr(self.module, name, replacement)
        if name not in self.stand_ins:
            self.stand_ins.append(name)

    def fake_async(self, name: str, *, latency: Latency | None, result: Any = None,
                   raises: Callable[..., BaseException | None] | None = None, patch: bool = True) -> FakeAsync:
        """Swaps the learner's async function ``name`` for an instrumented fake.

        ``patch=False`` leaves the module alone: pass ``fake.function`` to the learner
        yourself (for callables the exercise takes as arguments).
        """
        fake = FakeAsync(self, name, latency=latency, result=result, raises=raises)
        self.fakes.append(fake)
        if patch:
            self.patch(name, fake.function)
        return fake

    def fake_blocking(self, name: str, *, duration: Latency, result: Any = None) -> FakeBlocking:
        """Swaps the learner's blocking function ``name`` for one that notices the thread it runs on."""
        fake = FakeBlocking(self, name, duration=duration, result=result)
        self.fakes.append(fake)
        self.patch(name, fake.function)
        return fake

    def displaced_patches(self) -> list[str]:
        """The globals this scenario patched that no longer hold the grader's replacement."""
        displaced: list[str] = []
        for index, (module, name, _, replacement) in enumerate(self._patches):
            later = any(other is module and other_name == name for other, other_name, _, _ in self._patches[index + 1:])
            if not later and vars(module).get(name, _MISSING) is not replacement:  # a later patch of the name supersedes it
                displaced.append(name)
        return displaced

    def restore(self) -> None:
        """Ends the scenario's patches (after the tampering check has seen them, when there is one)."""
        if self.session.integrity is not None and self.session.schedule is None:
            self.session.integrity.check_trial(self)  # in asyncio's ordinary order: explored schedules rerun the same code
        for module, name, original, _ in reversed(self._patches):
            if original is _MISSING:
                delattr(module, name)
            else:
                setattr(module, name, original)
        self._patches.clear()
        self._dispositions.restore()
        self.session.next_loop_hooks.clear()

    async def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Calls a learner entry point and awaits it; then checks it left no task behind.

        A task it cancelled without awaiting is judged at the end of the scenario
        instead (see Session.check_leaks).
        """
        recorder = self.session.recorder
        assert recorder is not None, "Trial.call needs an async scenario"
        since = len(recorder.records)
        name = getattr(function, "__name__", "the function")
        try:
            result = function(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
                self._returned_awaitable(name, result)
            return result
        finally:
            self.session.check_leaks(recorder, f"{name}()", since, spare_cancelled=True)

    def _returned_awaitable(self, name: str, result: Any) -> None:
        """An entry point handed back a coroutine or future instead of its result: a missing ``await``.

        Nothing after that could be observed, and the tasks it leaves running follow from it.
        """
        from .session import Finding  # session imports this module

        learner = self.session.learner
        line = function = None
        if asyncio.iscoroutine(result):
            origin = [(lineno, fn) for path, lineno, fn in (getattr(result, "cr_origin", None) or ()) if learner.owns(path)]
            if origin:
                line, function = origin[0]
            result.close()  # never run: no second report of the same mistake as a never-awaited warning
            fate = "so the work it stands for never ran"
        elif result.done():
            fate = "so its outcome was never collected"
        else:
            fate = "so the work it stands for was still in flight, with nobody waiting for it"
        made = f" (made at {learner.where(line, function)}{learner.quote(line)})" if line else ""
        self.session.add_finding(R.UNAWAITED, Finding(
            f"{name}() returned {shorten(result)}{made} instead of its result: an awaitable that nobody awaited, {fate}. "
            f"Await it inside {name} and return what it gives", line, function))
        raise Abort(f"{name} returned an awaitable", cause=R.UNAWAITED, why=f"{name}() returned an awaitable instead of its result")

    def construct(self, factory: Callable[..., Any], *args: Any, shown: str, expected: str) -> Any:
        """``factory(*args)``: a learner's class (or function) called the way the contract says.

        If its signature refuses the arguments (a TypeError raised before any of the
        learner's code ran), that is a ``behaviour`` failure that ends the scenario:
        "{shown} raised TypeError: ... {expected}". An exception from inside the
        learner's code propagates, for the ``run`` check to show where.
        """
        try:
            return factory(*args)
        except TypeError as error:
            if any(True for _ in self.session.learner.traceback_frames(error.__traceback__)):
                raise
            self.fail(R.BEHAVIOUR, f"{shown} raised TypeError: {error}. {expected}")
            raise Abort(shown) from None

    def call_sync(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Calls a plain learner function from synchronous code (it may run its own loop)."""
        return function(*args, **kwargs)

    @property
    def import_ran_code(self) -> str | None:
        """Why importing the learner's file was not side-effect free (None when it was)."""
        if self.session.import_loops:
            return "it started an event loop (asyncio.run) when imported"
        if self.session.import_printed:
            return f"it printed {shorten(self.session.import_printed.strip())} when imported"
        return None

    @property
    def asyncio_runs(self) -> list[str]:
        """The names of the coroutines the learner's code has run with ``asyncio.run`` so far (``["main"]``)."""
        return list(self.session.asyncio_runs)

    def run_as_main(self) -> str:
        """Runs the learner's file as a script (``__name__ == "__main__"``); returns what it printed."""
        module = self.session.learner.new_module("__main__")
        saved_main = sys.modules.get("__main__")
        sys.modules["__main__"] = module
        buffer = io.StringIO()
        try:
            with redirect_stdout(_Tee(buffer, self.output)):
                self.session.learner.execute(module)
        finally:
            if saved_main is not None:
                sys.modules["__main__"] = saved_main
        return buffer.getvalue()

    def tests_catch_mutants(self, reference: str, mutants: Sequence[Mutant], *, module: str = "subject") -> None:
        """Runs the learner's pytest tests against the reference subject and each mutant.

        For the plain ``def`` scenario of a testing lesson: ``reference`` is the path of
        the correct ``module``; the verdict goes to ``tests-catch-mutants`` (see mutants.py).
        The generic checks (blocking, unawaited, leaked tasks...) judge the tests as they
        ran against the correct subject only: what a broken subject does is not the
        learner's doing.
        """
        from . import mutants as M  # imports pytest: only testing lessons pay for it

        session = self.session
        with open(reference, encoding="utf-8") as handle:
            source = handle.read()
        snapshot: dict[str, int] | None = None

        def reference_done() -> None:
            nonlocal snapshot
            session.collect_warnings()
            snapshot = {check_id: len(found) for check_id, found in session.findings.items()}

        try:
            run = M.run_tests(session.learner.path, source, mutants, module=module, new_loop=session.new_loop,
                              after_reference=reference_done, seed=session.seed)
        except M.EnvironmentProblem as problem:
            session.results.errored(R.TESTS_CATCH_MUTANTS, str(problem))
            return
        finally:
            if snapshot is None:
                session.collect_warnings()
            else:
                session.forget_findings_since(snapshot)
        M.judge(self, run, mutants)

    # -- the loop -----------------------------------------------------------------

    @property
    def loop(self) -> VirtualClockLoop:
        loop = self.session.running_loop
        assert loop is not None, "no event loop is running in this scenario"
        return loop

    @property
    def now(self) -> float:
        """Virtual seconds since this scenario's loop started."""
        return self.loop.time()

    @property
    def schedule(self) -> Any:
        """The explored schedule this run is under (``explore.Schedule``), or None for asyncio's ordinary order."""
        return self.session.schedule

    def vary(self, seconds: float) -> float:
        """``seconds`` of the grader's own simulated delay, varied by the schedule (as fake I/O latencies are)."""
        schedule = self.session.schedule
        return schedule.vary(seconds) if schedule is not None else seconds

    def spawn(self, coro: Any, name: str | None = None) -> asyncio.Task[Any]:
        """Starts a task of the grader's own (never counted as the learner's)."""
        task = self.loop.create_task(coro, name=name)
        record = self.session.recorder.by_task.get(id(task)) if self.session.recorder else None
        if record is not None:
            record.learner_line = None
        return task

    def heartbeat(self, interval: float = 0.05) -> Heartbeat:
        """A grader task that ticks every ``interval``: gaps show the loop was stalled."""
        beat = Heartbeat(self, interval)
        beat.task = self.spawn(beat.run(), name="grader-heartbeat")
        return beat

    def task_label(self, task: asyncio.Task[Any] | None) -> str:
        """A readable name for a task: its coroutine's name, or "grader" for the scenario's own."""
        if task is None:
            return ""
        record = self.session.recorder.by_task.get(id(task)) if self.session.recorder else None
        if record is None or not record.by_learner:
            return "grader"
        return record.label

    def io_span(self, span: Span) -> None:
        self.session.io_span(span)

    def keep_timeline(self, *, learner_tasks: bool = True) -> None:
        """Attaches this scenario's timeline (tasks and fake calls) to the report, whatever failed.

        For failures a picture explains (the gaps between retries, permit times), or a
        run the lesson shows even when it passes (a crawl); the first scenario that
        keeps one wins. Failures of ``concurrency``/``bounded`` and leaked tasks keep
        theirs without asking. ``learner_tasks=False`` draws only the grader's own bars
        (``io_span``: the requests its server answered), without a row per task of the
        learner's.
        """
        self.timeline_wanted = True
        self.timeline_learner_tasks = learner_tasks

    def watch_clock(self) -> ClockWatch:
        """From now on, records every virtual time the scenario's loop moves its clock to.

        The loop moves its clock only when it has nothing to run until a timer is due,
        so the times are its wake-ups: a limiter that sleeps exactly until a token is
        due wakes once per token, one that polls wakes at every poll.
        """
        watch = ClockWatch()
        loop = self.loop
        previous = loop.on_advance

        def advanced(before: float, after: float) -> None:
            watch.times.append(after)
            if previous is not None:
                previous(before, after)

        loop.on_advance = advanced
        return watch

    def signal_at(self, when: float, signum: int) -> SignalDelivery:
        """Sends the real signal ``signum`` to this process at virtual time ``when`` (signals.py).

        For plain ``def`` scenarios: the time is that of the first event loop the
        learner's code starts from now on (its ``asyncio.run`` or ``asyncio.Runner``).
        A signal that would end the process is not sent (``delivery.killed``: that loop
        stops there instead). Signal handlers are put back after the scenario.
        """
        if self.session.running_loop is not None:
            raise RuntimeError("signal_at is for plain def scenarios: the signal goes to the loop the learner's code starts")
        delivery = SignalDelivery(signum, when)
        self._dispositions.save(signum)
        self.session.next_loop_hooks.append(delivery.arm)
        return delivery

    def task_stacks(self) -> list[str]:
        """Where each of the learner's tasks waits right now, one line each, for messages about a hang
        ("the task running worker() created at line 40 waits at line 52 (in worker): `await queue.get()` — on ...")."""
        return self.session.describe_stacks(self.loop.snapshot())

    # -- child processes ------------------------------------------------------------

    @staticmethod
    def child_command(steps: Sequence[Sequence[Any]]) -> list[str]:
        """The command line of the grader's child program, running ``steps`` (see ``child.py``):
        ``("out", text, times)``, ``("err", text, times)``, ``("sleep", seconds)`` (virtual),
        ``("exit", code)``. Hand it to the learner's code to run."""
        return C.command(steps)

    @property
    def children(self) -> list[C.ChildRecord]:
        """The child processes started on this scenario's loop so far, in order (see ``children.py``)."""
        return list(self.loop.children.records)

    def printed(self) -> str:
        """What the learner printed during this scenario so far."""
        return self.output.getvalue()

    def stdout(self) -> io.TextIOBase:
        """Where the learner's prints go during this scenario: its own buffer, and the grade's
        output under a heading that names the scenario and the grader's stand-ins (so data
        the grader made up is never taken for the learner's)."""
        return _Tee(_Headed(self.session.output, self._heading), self.output)

    def _heading(self) -> str:
        heading = f"── {self.scenario.title}"
        if self.stand_ins:
            names = ", ".join(self.stand_ins)
            heading += f" ({names}: the grader's stand-in{'s' if len(self.stand_ins) > 1 else ''})"
        return heading + "\n"


class Heartbeat:
    def __init__(self, trial: Trial, interval: float) -> None:
        self.trial = trial
        self.interval = interval
        self.ticks: list[float] = []
        self.task: asyncio.Task[Any] | None = None

    async def run(self) -> None:
        while True:
            self.ticks.append(self.trial.loop.time())
            await asyncio.sleep(self.interval)

    @property
    def longest_gap(self) -> float:
        gaps = [b - a for a, b in zip(self.ticks, self.ticks[1:])]
        return max(gaps, default=0.0)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()


class ClockWatch:
    """The virtual times a loop moved its clock to (see :meth:`Trial.watch_clock`)."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def between(self, start: float, end: float) -> list[float]:
        """Wake-ups after ``start`` and up to ``end``."""
        return [t for t in self.times if start < t <= end]

    def unexplained(self, moments: Sequence[float], start: float = float("-inf"), end: float = float("inf"),
                    tolerance: float = 1e-6) -> list[float]:
        """Wake-ups after ``start`` and up to ``end`` that are not within ``tolerance`` of any of ``moments``."""
        ordered = sorted(moments)
        return [t for t in self.between(start, end) if not _near(ordered, t, tolerance)]


def _near(ordered: list[float], value: float, tolerance: float) -> bool:
    index = bisect.bisect_left(ordered, value - tolerance)
    return index < len(ordered) and ordered[index] <= value + tolerance


class _Headed(io.TextIOBase):
    """Writes ``heading()`` to ``target`` before the first text written through it."""

    def __init__(self, target: Any, heading: Callable[[], str]) -> None:
        self.target = target
        self.heading = heading
        self.started = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not self.started and text:
            self.started = True
            self.target.write(self.heading())
        return self.target.write(text)


class _Tee(io.TextIOBase):
    def __init__(self, *targets: Any) -> None:
        self.targets = targets

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        for target in self.targets:
            target.write(text)
        return len(text)


_MISSING = object()
