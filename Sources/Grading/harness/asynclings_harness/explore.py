"""Schedule exploration: run one scenario under many seeded schedules (the ``race`` check).

A race is a bug that shows up only in some orders of events. asyncio's stock loop
always runs ready callbacks first-come-first-served, and a lesson's fakes answer
after fixed latencies, so one run sees one order. An *explored* scenario
(``@scenario(..., explore=True)``) runs again and again, each time on a fresh loop
with a :class:`Schedule`:

* **seed 0** is asyncio's ordinary order: the stock loop, the nominal latencies;
* **seed N > 0** is a random walk: the loop runs one ready callback per step, and
  the seed chooses which. Every ready *task* is a candidate (so one task may run
  several steps ahead of the others); callbacks that belong to no task (timers,
  ``call_soon`` callbacks, future callbacks) stay in FIFO order among themselves,
  as asyncio promises, and only the oldest one is a candidate. Half the seeds also
  vary the latencies of the grader's simulated I/O (``FakeAsync`` calls and
  ``t.vary``), which uncovers races that need one operation to overlap another
  that, with the nominal delays, would have finished first.

The first schedule under which any check fails ends the exploration; its failures
are reported with the seed, and ``--seed N`` replays exactly that schedule (and
only it). Everything a schedule does follows from its seed: candidates are ordered
by task creation, never by memory address, and the random streams are seeded from
strings (independent of ``PYTHONHASHSEED``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
from collections import deque
from typing import TYPE_CHECKING, Any

from . import report as R
from .session import CappedOutput, frozen_heap

if TYPE_CHECKING:
    from types import ModuleType

    from .main import Harness
    from .session import Finding, Session
    from .trial import Scenario

# Schedules an explored scenario tries after asyncio's ordinary order, unless it
# asks for another number. Measured (scripts/bench_race.py): the racy variants of
# the lessons fail within their first few seeds; a lesson-15 grade stays well under 1 s.
DEFAULT_SCHEDULES = 100
# Callbacks all the explored schedules of one scenario may run, in total. A
# deterministic cost measure (never wall time): a program that takes very many
# steps is explored on fewer schedules, and the report says so.
PICK_BUDGET = 25_000
# How much the grader's simulated I/O latencies vary under a schedule that varies
# them: a few discrete factors between a quarter and four times the nominal delay.
# Discrete, so that two calls sometimes end at the same instant (which the walk
# then orders both ways) instead of never.
LATENCY_FACTORS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)

# The callables asyncio schedules to step a task: the C task (3.11-3.13) schedules a
# TaskStepMethWrapper and the builtin ``task_wakeup``; the pure-Python task its
# name-mangled ``__step``/``__wakeup`` methods.
_TASK_CALLBACK_TYPES = {"TaskStepMethWrapper", "TaskWakeupMethWrapper"}
_TASK_CALLBACK_NAMES = {"task_wakeup", "task_step", "__step", "__wakeup", "_Task__step", "_Task__wakeup"}


def task_of(handle: asyncio.Handle) -> asyncio.Task[Any] | None:
    """The task a ready handle will step, or None for any other callback."""
    callback = handle._callback  # type: ignore[attr-defined]
    owner = getattr(callback, "__self__", None)
    if not isinstance(owner, asyncio.Task):
        return None
    if type(callback).__name__ in _TASK_CALLBACK_TYPES or getattr(callback, "__name__", "") in _TASK_CALLBACK_NAMES:
        return owner
    return None  # e.g. loop.call_soon(task.cancel): an ordinary callback that happens to be a task method


class Schedule:
    """One seeded schedule: which ready callback runs next, and how long fake I/O takes.

    Implements the loop's ``Picker`` protocol (``clock.py``).
    """

    def __init__(self, seed: int, *, vary_latencies: bool | None = None) -> None:
        self.seed = seed
        self._walk = random.Random(f"asynclings-walk:{seed}")
        self._latency = random.Random(f"asynclings-latency:{seed}")
        self.vary_latencies = self._walk.random() < 0.5 if vary_latencies is None else vary_latencies
        self.picks = 0  # callbacks run
        self.choices = 0  # picks that had more than one candidate
        self._trace = 0  # a rolling hash of every choice made (see fingerprint)

    def __repr__(self) -> str:
        return f"Schedule(seed={self.seed}, vary_latencies={self.vary_latencies})"

    @property
    def fingerprint(self) -> str:
        """A digest of every choice made so far: equal fingerprints, equal interleavings."""
        return f"{self._trace & 0xFFFFFFFFFFFFFFFF:016x}"

    def _record(self, *values: float) -> None:
        # Hashes of ints, floats and tuples of them do not depend on PYTHONHASHSEED (only
        # str and bytes hashes are randomised), so the fingerprint is the same in every process.
        self._trace = hash((self._trace, *values))

    def pick(self, ready: deque[asyncio.Handle], task_order: dict[int, int]) -> asyncio.Handle | None:
        if len(ready) == 1:  # the common case: nothing to choose
            only = ready.popleft()
            if only._cancelled:  # type: ignore[attr-defined]
                return None
            self.picks += 1
            return only
        # Candidates: the oldest non-task callback, and the first handle of every task,
        # ordered by the task's creation, so that the seed, not the order the tasks
        # happened to be woken in, decides. Cancelled handles are never candidates (the
        # stock loop skips them when it reaches them); they are dropped here.
        plain: int | None = None
        tasks: list[tuple[int, int]] = []  # (creation order, index into ready)
        seen: set[int] = set()
        cancelled = False
        for index, handle in enumerate(ready):
            if handle._cancelled:  # type: ignore[attr-defined]
                cancelled = True
                continue
            task = task_of(handle)
            if task is None:
                if plain is None:
                    plain = index
                continue
            key = id(task)
            if key not in seen:
                seen.add(key)
                tasks.append((task_order.get(key, len(task_order) + index), index))
        if plain is None and not tasks:
            ready.clear()
            return None
        if len(tasks) > 1:
            tasks.sort()
        candidates = ([plain] if plain is not None else []) + [index for _, index in tasks]
        if len(candidates) == 1:
            chosen = candidates[0]
        else:
            choice = self._walk.randrange(len(candidates))
            chosen = candidates[choice]
            self.choices += 1
            self._record(choice, len(candidates))
        self.picks += 1
        handle = ready[chosen]
        del ready[chosen]
        if cancelled:
            live = [h for h in ready if not h._cancelled]  # type: ignore[attr-defined]
            ready.clear()
            ready.extend(live)
        return handle

    def vary(self, seconds: float) -> float:
        """A latency of the grader's simulated I/O under this schedule."""
        if not self.vary_latencies or seconds <= 0:
            return seconds
        varied = seconds * self._latency.choice(LATENCY_FACTORS)
        self._record(varied)
        return varied


# -- running an explored scenario -------------------------------------------------------


class RunResults(R.Results):
    """The session's results during one schedule, plus a log of the verdicts that schedule gave.

    It starts as a copy of the grade's results, so a report written mid-run (the
    real-time budget ran out) is still complete.
    """

    log: list[tuple[str, str, str | None, str | None]]  # (status, check id, message, the check a failure follows from)

    @classmethod
    def over(cls, base: R.Results) -> RunResults:
        run = cls(list(base.order))
        run.checks = {key: value.copy() for key, value in base.checks.items()}
        run.log = []
        return run

    def passed(self, check_id: str, message: str | None = None) -> None:
        self.log.append((R.PASS, check_id, message, None))
        super().passed(check_id, message)

    def failed(self, check_id: str, message: str, *, follows: str | None = None, brief: str | None = None) -> None:
        self.log.append((R.FAIL, check_id, message, follows))
        super().failed(check_id, message, follows=follows, brief=brief)

    def errored(self, check_id: str, message: str) -> None:
        self.log.append((R.ERROR, check_id, message, None))
        super().errored(check_id, message)

    @property
    def any_failed(self) -> bool:
        return any(status != R.PASS for status, _, _, _ in self.log)


@dataclasses.dataclass
class Exploration:
    """What exploring one scenario did (kept on the session for tests and benchmarks)."""

    title: str
    seeds: list[int]
    explored: int = 0  # schedules run to the end
    failed_seed: int | None = None
    picks: int = 0
    fingerprints: dict[int, str] = dataclasses.field(default_factory=dict)
    stopped_early: bool = False


def seeds_for(session_seed: int, budget: int) -> list[int]:
    """Seed 0 (the ordinary order) then 1..budget; a ``--seed N`` grade runs only schedule N."""
    if session_seed:
        return [session_seed]
    return list(range(budget + 1))


def budget_of(item: Scenario) -> int:
    wanted = getattr(item, "explore", False)
    if wanted is True:
        return DEFAULT_SCHEDULES
    return max(0, int(wanted or 0))


def explore_scenario(harness: Harness, session: Session, item: Scenario, module: ModuleType) -> Exploration:
    """Runs ``item`` under asyncio's ordinary order and then seeded schedules, until one fails."""
    budget = budget_of(item)
    grade_seed = session.seed
    replay = grade_seed != 0
    exploration = Exploration(item.title, seeds_for(grade_seed, budget))
    session.explorations.append(exploration)
    base = session.results
    # Each run ends with a full garbage collection (never-awaited coroutines in cycles,
    # tasks destroyed while pending). Freezing what exists now (the harness, the
    # learner's module) makes those collections scan only what the runs create:
    # hundreds of objects instead of tens of thousands, for every schedule.
    with frozen_heap():
        _explore(harness, session, item, module, exploration, budget, replay)
    if R.RACE in session.checks and exploration.failed_seed is None:
        base.passed(R.RACE, _summary(exploration, budget, replay))
    if exploration.stopped_early and R.RACE not in session.checks:
        session.note(f"“{item.title}”: explored {max(0, exploration.explored - 1)} of {budget} schedules; "
                     "the program takes so many steps that the rest would not fit the grade's budget.")
    return exploration


def _explore(harness: Harness, session: Session, item: Scenario, module: ModuleType,
             exploration: Exploration, budget: int, replay: bool) -> None:
    for seed in exploration.seeds:
        if exploration.picks > PICK_BUDGET:
            exploration.stopped_early = True
            break
        outcome = _run_schedule(harness, session, item, module, seed, quiet=bool(seed) and not replay)
        if outcome.schedule is not None:
            exploration.picks += outcome.schedule.picks
            exploration.fingerprints[seed] = outcome.schedule.fingerprint
        _commit(session, outcome, replay, budget)
        if outcome.failed:
            exploration.failed_seed = seed
            return
        exploration.explored += 1


@dataclasses.dataclass
class ScheduleRun:
    """One run of a scenario under one schedule."""

    seed: int
    schedule: Schedule | None
    results: RunResults
    new_findings: list[Finding]

    @property
    def failed(self) -> bool:
        return self.results.any_failed or bool(self.new_findings)


def _run_schedule(harness: Harness, session: Session, item: Scenario, module: ModuleType,
                  seed: int, *, quiet: bool) -> ScheduleRun:
    """Runs the scenario once under schedule ``seed`` (0: asyncio's ordinary order), verdicts kept apart."""
    schedule = Schedule(seed) if seed else None
    base, grade_seed, kept_output = session.results, session.seed, session.output
    run = RunResults.over(base)
    counts = {key: len(found) for key, found in session.findings.items()}
    if quiet:
        session.output = CappedOutput(0)  # hundreds of copies of the same output help nobody
    session.results, session.seed, session.schedule = run, seed, schedule
    try:
        harness.run_scenario(session, item, module)
    finally:
        session.results, session.seed, session.schedule = base, grade_seed, None
        session.output = kept_output
    new_findings = [f for key, found in session.findings.items() for f in found[counts.get(key, 0):]]
    return ScheduleRun(seed, schedule, run, new_findings)


@dataclasses.dataclass
class Verdict:
    """What one schedule of a sweep came to (small: a sweep keeps thousands)."""

    failed: bool
    message: str  # the first failure, or ""
    picks: int
    fingerprint: str


def sweep(harness: Harness, session: Session, item: Scenario, module: ModuleType,
          seeds: list[int], max_picks: int | None = None) -> dict[int, Verdict]:
    """Runs every schedule in ``seeds`` without stopping at a failure or touching the grade (benchmarks, tests).

    Each run starts from the same session state: verdicts, findings, notes and the
    timeline a run leaves are undone before the next. ``max_picks`` stops the sweep
    once its schedules have run that many callbacks in all.
    """
    verdicts: dict[int, Verdict] = {}
    picks = 0
    with frozen_heap():
        for seed in seeds:
            if max_picks is not None and picks > max_picks:
                break
            findings = {key: list(found) for key, found in session.findings.items()}
            notes, timeline = list(session.notes), session.timeline
            outcome = _run_schedule(harness, session, item, module, seed, quiet=True)
            session.findings, session.notes, session.timeline = findings, notes, timeline
            message = next((f"{check}: {text}" for status, check, text, _ in outcome.results.log if status != R.PASS), "")
            if not message and outcome.new_findings:
                message = outcome.new_findings[0].message
            schedule = outcome.schedule
            verdicts[seed] = Verdict(outcome.failed, message, schedule.picks if schedule else 0,
                                     schedule.fingerprint if schedule else "")
            picks += verdicts[seed].picks
    return verdicts


def _commit(session: Session, outcome: ScheduleRun, replay: bool, budget: int) -> None:
    """Copies one schedule's verdicts onto the grade, failures tagged with how to replay them.

    A schedule other than asyncio's ordinary order only runs once the ordinary order
    has passed, so what fails under it fails *because of the order*: in a lesson
    that declares the ``race`` check, that failure is reported as ``race`` (a
    deadlock that needs a particular interleaving is a race, too), and the check it
    broke keeps the verdict the ordinary order gave it. Task leaks and the like seen
    only under such a schedule become ``race`` failures the same way.
    """
    seed = outcome.seed
    where = _where(session, seed, replay, budget) if seed else ""
    as_race = bool(seed) and R.RACE in session.checks
    for status, check_id, message, follows in outcome.results.log:
        if status == R.PASS:
            session.results.passed(check_id, message)
        elif status == R.FAIL:
            text = message or ""  # a failure always has one
            if not seed and check_id == R.RACE:
                text += "\n(This happens in asyncio's ordinary order already, before any reordering.)"
            session.results.failed(R.RACE if as_race else check_id, f"{text}\n{where}" if where else text,
                                   follows=None if as_race else follows)
        else:
            session.results.errored(check_id, message or "")
    for finding in outcome.new_findings:
        if as_race:
            for found in session.findings.values():
                if finding in found:
                    found.remove(finding)
                    session.results.failed(R.RACE, f"{finding.message}\n{where}")
        elif seed:
            finding.message += f" (under schedule {seed}: replay it with `--seed {seed}`)"


def _where(session: Session, seed: int, replay: bool, budget: int) -> str:
    """How a failure under schedule ``seed`` came about, and how to see it again."""
    path = session.learner.path
    default = path.replace(os.sep, "/").endswith(f"/exercises/{session.lesson_id}.py")
    # The exercise file is what `grade LESSON` grades by default; any other file must be named.
    command = f"asynclings grade {session.lesson_id}{'' if default else ' ' + path} --seed {seed}"
    if replay:
        return f"This is schedule {seed}, replayed exactly (`{command}`)."
    return (f"Your code gets this right in asyncio's ordinary order, but not under schedule {seed} of the {budget} "
            f"the grader tries next (each picks which ready task runs next, step by step, and may vary how long "
            f"the simulated I/O takes). Replay exactly this schedule: `{command}`.")


def _summary(exploration: Exploration, budget: int, replay: bool) -> str:
    if replay:
        seed = exploration.seeds[0]
        return f"schedule {seed} (replayed with --seed {seed}) kept the invariant; grade without --seed to explore all {budget}"
    explored = max(0, exploration.explored - 1)
    schedules = f"{explored} explored schedule{'' if explored == 1 else 's'}"
    if exploration.stopped_early:
        return (f"no schedule broke the invariant, but only asyncio's ordinary order and {schedules} of {budget} "
                "could be tried: the program takes very many steps (is something busy-waiting?)")
    return f"no schedule broke the invariant: asyncio's ordinary order and {schedules}"
