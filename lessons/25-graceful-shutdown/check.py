"""Grades 25-graceful-shutdown: real SIGTERM and SIGINT, delivered to the graded process at virtual times.

Each scenario calls the learner's `main(grace)`, which runs the service on its own
event loop (`asyncio.run` or `asyncio.Runner`). The grader's broker (`open_inbox`)
delivers jobs at chosen times, its `process` takes a different time per job, and its
database notices being used after it was closed. The signal reaches the process
through `os.kill` at a chosen virtual time; 5 s after the grace period a SIGKILL
stands for the supervisor that stops waiting. Everything is judged from what the
broker and the database saw, in the order they saw it.

Each sentence of "Your exercise", the scenario that enforces it, and the variants that break it:

- "`main(grace)` runs the service with `asyncio.run` (or an `asyncio.Runner`) and
  returns the process's exit code" -> every scenario calls `main` and reads what it
  returns; `behaviour`. Broken by the starter (SIGTERM kills it).
- "The service opens its database with `await open_database()` and its inbox with
  `await open_inbox()`, and runs `WORKERS` (3) workers: each takes a job with `await
  inbox.get()` and handles it with `await process(job, db)`: never more than 3 jobs at
  once, and 3 whenever a job is waiting" -> `sigterm_drains` and `grace_runs_out`
  (the busy stretch before the signal: never more than 3 at once, and 3 while jobs
  wait); `bounded`. Broken by wrong/one-worker.py.
- "On the first SIGTERM or SIGINT it stops taking jobs at once: `await inbox.close()`
  ..." -> every signal scenario: the inbox closed at the signal's instant, no job
  taken after it (jobs keep arriving); `idle` (workers waiting in `get()` when it
  comes); `behaviour`. A service with no handler is killed: `behaviour`. Broken by
  wrong/keeps-taking-jobs.py and wrong/no-sigterm-handler.py.
- "It lets the jobs in progress finish, for up to `grace` seconds after the signal"
  -> `sigterm_drains` (every job finishes inside the grace period; none is cancelled
  early) and `grace_runs_out` (the ones that can finish do); `behaviour`. Broken by
  wrong/no-grace.py.
- "When the grace period ends, it cancels the jobs still in progress and hands each
  one back with `await inbox.requeue(job)`" -> `grace_runs_out` (SIGTERM) and
  `sigint_cancels` (SIGINT): cancelled exactly at the end of the grace period;
  `cancellation`. No accepted job lost or handled twice (each job `get()` returned is
  processed to the end once, or handed back once): `behaviour`. Broken by
  wrong/no-time-limit.py (cancellation), wrong/cancelled-jobs-lost.py and
  wrong/hands-back-finished-jobs.py (behaviour).
- "Once no job is in progress it closes the database, `await db.close()`, and
  returns" -> every signal scenario: the database closed once, after the last job
  ended and never used after; `main` returns then, not later; `behaviour`. Broken by
  wrong/database-closed-first.py and wrong/waits-out-the-grace.py.
- "`main` returns 0 when every job it took was processed, 1 when some had to be
  handed back" -> `sigterm_drains`, `idle` (0), `grace_runs_out`, `sigint_cancels`
  (1); `behaviour`. Broken by wrong/always-exit-zero.py.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
from dataclasses import dataclass, field
from typing import Any

from asynclings_harness import FakeAsync, SignalDelivery, Trial, scenario

CHECKS = ["behaviour", "bounded", "cancellation"]

EPSILON = 1e-9
WORKERS = 3
SUPERVISOR_PATIENCE = 5.0  # seconds after the grace period before the grader's SIGKILL


class Job:
    __slots__ = ("id", "work")

    def __init__(self, id: int, work: float) -> None:
        self.id = id
        self.work = work  # seconds of processing

    def __repr__(self) -> str:
        return f"Job({self.id})"


@dataclass
class Event:
    seq: int
    at: float
    what: str  # "taken", "requeued", "inbox closed", "database closed"
    job: Job | None = None


@dataclass
class World:
    """The grader's broker and database for one run of the service, and everything they saw."""

    t: Trial
    arrivals: list[tuple[float, Job]]
    loop: Any = None
    events: list[Event] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    waiting: list[tuple[asyncio.Future[Job | None], float]] = field(default_factory=list)
    queued: list[Job] = field(default_factory=list)
    inbox_closed: bool = False
    db_closed: bool = False
    processing: FakeAsync | None = None
    counter: Any = field(default_factory=itertools.count)

    def record(self, what: str, job: Job | None = None) -> None:
        self.events.append(Event(next(self.counter), self.loop.time(), what, job))

    def times(self, what: str) -> list[Event]:
        return [e for e in self.events if e.what == what]

    # -- the broker -----------------------------------------------------------------------

    def arrive(self, batch: list[Job]) -> None:
        self.queued += batch
        self.hand_out()

    def hand_out(self) -> None:
        while self.queued and self.waiting:
            waiter, _ = self.waiting.pop(0)
            if not waiter.done():
                waiter.set_result(self.queued.pop(0))


class Inbox:
    """The grader's broker subscription."""

    def __init__(self, world: World) -> None:
        self._world = world

    async def get(self) -> Job | None:
        world = self._world
        if world.inbox_closed:
            return None
        waiter: asyncio.Future[Job | None] = world.loop.create_future()
        world.waiting.append((waiter, world.loop.time()))
        world.hand_out()
        try:
            job = await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result() is not None:
                world.queued.insert(0, waiter.result())  # handed over as the getter was cancelled: not taken
            raise
        if job is not None:
            world.record("taken", job)
        return job

    async def requeue(self, job: Job) -> None:
        self._world.record("requeued", job)
        await asyncio.sleep(0)

    async def close(self) -> None:
        world = self._world
        world.record("inbox closed")
        world.inbox_closed = True
        for waiter, _ in world.waiting:
            if not waiter.done():
                waiter.set_result(None)
        world.waiting.clear()
        await asyncio.sleep(0)

    def __repr__(self) -> str:
        return "<the grader's inbox>"


class Database:
    def __init__(self, world: World) -> None:
        self._world = world

    async def close(self) -> None:
        self._world.record("database closed")
        self._world.db_closed = True
        await asyncio.sleep(0)

    def __repr__(self) -> str:
        return "<the grader's database>"


def install(t: Trial, world: World) -> None:
    """Replaces the exercise's stand-ins with the grader's broker, database and work."""
    fake = t.fake_async("process", latency=lambda job: job.work, patch=False)
    world.processing = fake

    async def open_database() -> Database:
        world.loop = asyncio.get_running_loop()
        return Database(world)

    async def open_inbox() -> Inbox:
        world.loop = asyncio.get_running_loop()
        for at in sorted({at for at, _ in world.arrivals}):  # one timer per moment keeps the jobs in order
            world.loop.call_at(at, world.arrive, [job for when, job in world.arrivals if when == at])
        return Inbox(world)

    async def process(job: Job, db: Any) -> None:
        if not isinstance(db, Database):
            world.problems.append(f"process({job!r}, db) was called with {t.show(db)} instead of the database "
                                  "`open_database()` returned")
        elif world.db_closed:
            world.problems.append(f"{job!r} was processed after the database had been closed")
        await fake.function(job)

    t.patch("open_database", open_database)
    t.patch("open_inbox", open_inbox)
    t.patch("process", process)


@dataclass
class Run:
    """One run of the learner's main() with a signal at `at`."""

    world: World
    signal: SignalDelivery
    kill: SignalDelivery
    grace: float
    at: float
    code: Any = None
    raised: BaseException | None = None
    ended: float = 0.0


def run_main(t: Trial, arrivals: list[tuple[float, Job]], signum: int, at: float, grace: float) -> Run | None:
    main = t.function("main", is_async=False, signature="def main(grace: float = 10.0) -> int")
    world = World(t, arrivals)
    install(t, world)
    delivery = t.signal_at(at, signum)
    kill = t.signal_at(at + grace + SUPERVISOR_PATIENCE, signal.SIGKILL)
    run = Run(world, delivery, kill, grace, at)
    try:
        run.code = t.call_sync(main, grace)
    except (RuntimeError, KeyboardInterrupt) as error:
        if not (delivery.killed or kill.killed or isinstance(error, KeyboardInterrupt)):
            raise  # the learner's own error: reported by `run`, with its traceback
        run.raised = error
    run.ended = world.loop.time() if world.loop is not None else 0.0
    if world.loop is None:
        t.fail("behaviour", "main() returned without opening the database and the inbox: it should run the service "
                            "(`asyncio.run(serve(grace))`) until a signal stops it.")
        return None
    return run


def calls(world: World) -> list[Any]:
    assert world.processing is not None
    return world.processing.calls


# -- judging ---------------------------------------------------------------------------------------


def judge_signal_handled(t: Trial, run: Run) -> bool:
    name = run.signal.name
    if run.signal.killed:
        running = [c for c in calls(run.world) if c.start <= run.at and (c.end is None or c.end > run.at - EPSILON)]
        t.fail("behaviour", f"{name} arrived at {run.at:g} s and nothing in your service handled it, so it ended on "
                            f"the spot, with {len(running)} job(s) half done. Handle it: "
                            f"`loop.add_signal_handler(signal.{name}, ...)` (asyncio.run handles SIGINT for you by "
                            "cancelling the main coroutine).")
        return False
    if run.signal.sent_at is None:
        t.fail("behaviour", f"main() returned {run.code!r} at {run.ended:g} s, before any signal came ({name} was due at "
                            f"{run.at:g} s): a service runs until it is told to stop.")
        return False
    if isinstance(run.raised, KeyboardInterrupt):
        t.fail("behaviour", f"on {name} at {run.at:g} s, main() raised KeyboardInterrupt instead of returning an exit "
                            "code: asyncio.run turns the first SIGINT into a cancellation of your main coroutine, and "
                            "raises KeyboardInterrupt if that cancellation escapes it. Shut down and return the code.")
        return False
    return True


def judge_workers(t: Trial, run: Run) -> None:
    """Before the signal: never more than 3 jobs at once, and 3 whenever jobs were waiting (bounded)."""
    world = run.world
    spans = [(c.start, min(c.end if c.end is not None else run.at, run.at)) for c in calls(world) if c.start < run.at]
    taken = {e.job.id: e.at for e in world.times("taken") if e.job is not None}
    moments = sorted({run.at, *(s for s, _ in spans), *(e for _, e in spans), *(a for a, _ in world.arrivals if a < run.at)})
    for begin, end in zip(moments, moments[1:]):
        if end <= begin + EPSILON:
            continue
        busy = sum(1 for s, e in spans if s <= begin + EPSILON and e >= end - EPSILON)
        waiting = sum(1 for a, job in world.arrivals if a <= begin + EPSILON and taken.get(job.id, float("inf")) >= end - EPSILON)
        if busy > WORKERS:
            t.fail("bounded", f"from {begin:g} s to {end:g} s, {busy} jobs were being processed at once: run exactly "
                              f"WORKERS ({WORKERS}) workers.")
            return
        if busy < WORKERS and waiting > 0:
            t.keep_timeline()
            t.fail("bounded", f"from {begin:g} s to {end:g} s only {busy} job(s) were being processed while {waiting} "
                              f"waited in the inbox: run {WORKERS} workers, each taking the next job as soon as it is "
                              "free.")
            return
    t.passed("bounded", f"{WORKERS} jobs at once whenever jobs were waiting")


def judge_stop_taking(t: Trial, run: Run) -> bool:
    world = run.world
    name = run.signal.name
    late = [e for e in world.times("taken") if e.at > run.at + EPSILON]
    if late:
        t.keep_timeline()
        t.fail("behaviour", f"{late[0].job!r} was taken from the inbox at {late[0].at:g} s, after {name} at {run.at:g} s: "
                            "once the signal comes, take no more jobs. Close the inbox at once (workers waiting in "
                            "`inbox.get()` then get None).")
        return False
    closes = world.times("inbox closed")
    if not closes or abs(closes[0].at - run.at) > EPSILON:
        when = f"at {closes[0].at:g} s" if closes else "never"
        t.fail("behaviour", f"after {name} at {run.at:g} s the inbox was closed {when}: close it as soon as the signal "
                            "comes, so that the broker hands new jobs to other instances meanwhile.")
        return False
    if len(closes) > 1:
        t.fail("behaviour", f"the inbox was closed {len(closes)} times: close it once.")
        return False
    return True


def judge_grace(t: Trial, run: Run) -> bool:
    """No job cancelled before the grace period ended (behaviour)."""
    limit = run.at + run.grace
    for call in calls(run.world):
        if call.cancelled and call.end is not None and call.end < limit - EPSILON:
            t.keep_timeline()
            would = call.start + call.args[0].work
            t.fail("behaviour", f"{call.args[0]!r} was cancelled at {call.end:g} s, {call.end - run.at:g} s after "
                                f"{run.signal.name}, though the grace period ran until {limit:g} s"
                                + (f" and it would have finished at {would:g} s" if would <= limit else "")
                                + ": let the jobs in progress finish; cancel only what is left when the grace period ends.")
            return False
    return True


def judge_cancel(t: Trial, run: Run) -> bool:
    """Jobs still running at the end of the grace period are cancelled right then (cancellation)."""
    limit = run.at + run.grace
    overdue = [c for c in calls(run.world) if c.start < limit and (c.end is None or c.end > limit + EPSILON)]
    if overdue:
        call = overdue[0]
        t.keep_timeline()
        ended = ("was still running when the grader's supervisor gave up and killed the service "
                 f"(SIGKILL at {run.kill.sent_at:g} s)" if run.kill.killed else
                 f"ran on until {call.end:g} s" + (" (cancelled then)" if call.cancelled else ""))
        t.fail("cancellation", f"the grace period ended at {limit:g} s ({run.grace:g} s after {run.signal.name}), but "
                               f"{call.args[0]!r} {ended}: when the grace period is over, cancel the jobs still in "
                               "progress, right then.")
        return False
    if any(c.cancelled for c in calls(run.world)):
        t.passed("cancellation", "jobs still running when the grace period ended were cancelled then")
    return True


def judge_jobs(t: Trial, run: Run) -> bool:
    """Every job taken: processed to the end once, or handed back once (behaviour)."""
    world = run.world
    taken = [e.job for e in world.times("taken") if e.job is not None]
    for job in taken:
        runs = [c for c in calls(world) if c.args[0] is job]
        finished = [c for c in runs if c.finished]
        requeued = [e for e in world.times("requeued") if e.job is job]
        if len(runs) > 1:
            t.fail("behaviour", f"{job!r} was processed {len(runs)} times: a job taken from the inbox is processed once.")
            return False
        if finished and requeued:
            t.fail("behaviour", f"{job!r} was processed to the end and then handed back with requeue(): the broker "
                                "will deliver it again, and it will be processed twice. Hand back only unfinished jobs.")
            return False
        if len(requeued) > 1:
            t.fail("behaviour", f"{job!r} was handed back {len(requeued)} times: once is enough, or it will be "
                                "processed twice.")
            return False
        if not finished and not requeued:
            what = "never processed" if not runs else "cancelled"
            t.keep_timeline()
            t.fail("behaviour", f"{job!r} was taken from the inbox and {what}, and never handed back: it is lost. A job "
                                "that was not processed to the end goes back with `await inbox.requeue(job)`.")
            return False
    stray = [e.job for e in world.times("requeued") if e.job not in taken]
    if stray:
        t.fail("behaviour", f"requeue() was called with {stray[0]!r}, which the service never took from the inbox.")
        return False
    return True


def judge_resources(t: Trial, run: Run) -> bool:
    world = run.world
    if world.problems:
        t.fail("behaviour", world.problems[0] + ": close the database only once every job is over.")
        return False
    closes = world.times("database closed")
    if len(closes) != 1:
        t.fail("behaviour", "the database was " + ("never closed" if not closes else f"closed {len(closes)} times")
                            + ": close it exactly once, when the last job is over.")
        return False
    ends = [c for c in calls(world) if c.end is not None]
    last_end = max((c.end for c in ends), default=0.0)
    open_jobs = [c for c in calls(world) if c.end is None]
    if open_jobs or closes[0].at < last_end - EPSILON:
        job = open_jobs[0].args[0] if open_jobs else max(ends, key=lambda c: c.end).args[0]
        t.fail("behaviour", f"the database was closed at {closes[0].at:g} s while {job!r} was still being processed: the "
                            "jobs use it, so close it last, after every job has finished or been cancelled.")
        return False
    inbox_close = world.times("inbox closed")
    if inbox_close and closes[0].seq < inbox_close[0].seq:
        t.fail("behaviour", "the database was closed before the inbox: stop taking jobs first, close the database last.")
        return False
    return True


def judge_exit(t: Trial, run: Run) -> bool:
    requeued = bool(run.world.times("requeued"))
    expected = 1 if requeued else 0
    if run.code != expected:
        t.fail("behaviour", f"main() returned {run.code!r}, but "
                            + ("some jobs had to be handed back, so the exit code is 1" if requeued else
                               "every job it took was processed, so the exit code is 0")
                            + " (0: a clean shutdown; 1: the grace period ran out).")
        return False
    limit = run.at + run.grace
    ends = [c.end for c in calls(run.world) if c.end is not None]
    done = max([run.at, *ends])
    if run.ended > done + EPSILON:
        t.keep_timeline()
        t.fail("behaviour", f"every job was over at {done:g} s, but main() returned only at {run.ended:g} s: wait for "
                            f"the jobs in progress, not for the whole grace period (it ran until {limit:g} s).")
        return False
    return True


def judge(t: Trial, run: Run) -> None:
    """The shutdown, step by step; a step is judged only when the ones it depends on went right."""
    judge_workers(t, run)
    if not judge_signal_handled(t, run) or not judge_stop_taking(t, run) or not judge_grace(t, run):
        return
    cancelled_ok = judge_cancel(t, run)
    if not judge_jobs(t, run) or not cancelled_ok:
        return
    if judge_resources(t, run) and judge_exit(t, run):
        t.passed("behaviour", "stopped taking jobs, drained, handed back the rest, closed everything in order")


def jobs(*specs: tuple[float, float]) -> list[tuple[float, Job]]:
    return [(at, Job(n, work)) for n, (at, work) in enumerate(specs, start=1)]


def shutdown(t: Trial, arrivals: list[tuple[float, Job]], signum: int, at: float, grace: float) -> None:
    run = run_main(t, arrivals, signum, at, grace)
    if run is not None:
        judge(t, run)


@scenario("SIGTERM at 3.2 s: the jobs in progress finish within the grace period; exit code 0")
def sigterm_drains(t: Trial) -> None:
    shutdown(t, jobs((0, 1.0), (0, 2.5), (0, 4.0), (0, 0.5), (0, 1.5), (2.8, 1.7), (2.9, 0.6), (3.4, 1.0), (3.5, 1.0)),
             signal.SIGTERM, 3.2, 10.0)


@scenario("SIGTERM at 1 s, a grace period of 2 s: one job finishes, two are cancelled and handed back; exit code 1")
def grace_runs_out(t: Trial) -> None:
    shutdown(t, jobs((0, 0.5), (0, 2.0), (0, 5.0), (0, 8.0), (1.5, 1.0), (2.5, 1.0)), signal.SIGTERM, 1.0, 2.0)


@scenario("SIGINT at 2 s, a grace period of 3 s: the same shutdown; exit code 1")
def sigint_cancels(t: Trial) -> None:
    shutdown(t, jobs((0, 1.5), (0, 3.0), (0.5, 9.0), (1.0, 4.0), (1.6, 2.0), (2.2, 1.0)), signal.SIGINT, 2.0, 3.0)


@scenario("SIGTERM while every worker waits for a job: an immediate, clean exit")
def idle(t: Trial) -> None:
    shutdown(t, jobs((0, 1.0), (0.2, 0.5)), signal.SIGTERM, 4.0, 10.0)
