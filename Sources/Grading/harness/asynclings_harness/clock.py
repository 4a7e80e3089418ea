"""A selector event loop whose clock is virtual.

Timers never wait for real time: when the loop has nothing ready to run and no
real work is outstanding, the clock jumps straight to the next deadline.
``asyncio.sleep(5)`` costs microseconds, elapsed time is exact, and no verdict
depends on how fast the machine is. Real work is of two kinds:

* threads: an executor job, or a thread started while the loop runs, is busy
  until it finishes, parks on a virtual ``time.sleep`` or waits for work or for
  the loop (see ``instrument.py``); the clock keeps still while one is busy;
* sockets: before every jump the loop asks the kernel whether loopback traffic
  between its own sockets is still on its way (``sockets.SocketLedger``) and
  waits for it in real time; a jump happens only once every byte, handshake and
  FIN sent has arrived, so what runs next depends only on the timers. Sockets
  whose other end is outside the process get a short real grace instead;
* child processes: one the loop started is busy until it exits, sleeps on the
  virtual clock or waits for the loop to read a full pipe (``children.ChildLedger``);
  its exit status reaches asyncio only at a jump decision.

The loop also notices the three ways a program can fail to finish:

* deadlock  - nothing ready, no timers, no threads, no I/O: every task waits forever;
* livelock  - tasks keep running without ever waiting on a timer (``while True:
  await asyncio.sleep(0)``), counted in loop turns, not seconds;
* time-limit - the scenario's virtual deadline or turn budget ran out.

Each raises :class:`LoopAborted` out of ``run_forever`` with a snapshot of every
task's stack, taken at the moment of detection.

Given a :class:`Picker` (``loop.schedule``), the loop runs one ready callback per
iteration, the one the picker chooses, instead of the whole ready queue in FIFO
order: that is how the ``race`` check explores other schedules of the same program
(see ``explore.py``).
"""

from __future__ import annotations

import asyncio
import heapq
import os
import selectors
import threading
import time
from asyncio.base_events import MAXIMUM_SELECT_TIMEOUT
from collections import deque
from typing import Any, Callable, Protocol

from . import children as C
from .sockets import IN_FLIGHT, SETTLED, SocketLedger

ASYNCIO_DIR = os.path.dirname(asyncio.__file__)

# Loop turns in a row with ready callbacks but no timer due before the clock
# moves on by itself: a busy-waiting program (`while not flag: await sleep(0)`)
# still sees time pass, as it would on a real clock.
SPIN_ADVANCE_TURNS = 2_000
# How far the clock moves after those turns when the program keeps arming timers that are
# already due (a remaining wait that rounds to nothing, say `sleep((1 - tokens) / rate)`
# with tokens a hair under 1): a little time passes, as on a real clock, instead of a jump
# to the next timer, which would skip what those timers wait for.
SPIN_STEP = 1e-6
# Loop turns with ready work and no timer at all before we call it a livelock.
LIVELOCK_TURNS = 100_000
# Real seconds to wait for worker threads to reach a virtual sleep or finish.
THREAD_SETTLE_STEP = 0.005
THREAD_SETTLE_LIMIT = 2.0
# Real seconds to wait, in steps, for loopback traffic the kernel is still delivering
# (the selector returns the moment it lands; the limit only stops a bug from hanging a grade).
IO_SETTLE_STEP = 0.001
IO_SETTLE_LIMIT = 2.0
# Real seconds given to sockets and pipes whose other end is outside this process.
IO_OUTSIDE_GRACE = 0.001
# Captured before instrument.py makes time.monotonic follow the virtual clock on the loop thread.
_real_monotonic = time.monotonic


class LoopAborted(Exception):
    """The loop stopped a scenario that could not finish.

    ``kind`` is a check id: ``deadlock`` or ``time-limit``.
    """

    def __init__(self, kind: str, detail: str, stacks: list[TaskStack] | None = None) -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail
        self.stacks = stacks or []

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


class TaskStack:
    """Where one task was when the loop gave up on it."""

    __slots__ = ("name", "frames", "waiting_on")

    def __init__(self, name: str, frames: list[tuple[str, int, str]], waiting_on: str) -> None:
        self.name = name
        self.frames = frames  # (filename, line, function), outermost first
        self.waiting_on = waiting_on  # what the task awaits, in words


class Picker(Protocol):
    """Chooses which ready callback the loop runs next (see ``explore.Schedule``)."""

    def pick(self, ready: deque[asyncio.Handle], task_order: dict[int, int]) -> asyncio.Handle | None:
        """Removes one handle from ``ready`` and returns it (None: nothing runnable).

        ``task_order`` maps ``id(task)`` to the order the loop created the task in.
        """
        ...


class _ParkedThread:
    """A worker thread asleep on the virtual clock.

    It blocks on a plain lock rather than a ``threading.Event``: instrument.py counts a
    thread in ``Condition.wait`` (which Event uses) as waiting, and a parked thread is
    already counted as parked.
    """

    __slots__ = ("wake_at", "seq", "gate")

    def __init__(self, wake_at: float, seq: int, gate: Any) -> None:
        self.wake_at = wake_at
        self.seq = seq
        self.gate = gate  # a held threading.Lock; releasing it wakes the thread

    def __lt__(self, other: _ParkedThread) -> bool:  # heap order: earliest wake, then first parked
        return (self.wake_at, self.seq) < (other.wake_at, other.seq)

    def wake(self) -> None:
        self.gate.release()


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """An event loop on a virtual clock (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._vnow = 0.0
        self._reached = 0.0  # the furthest the clock has gone: it only ever moves forward
        self._rewound: tuple[float, float] | None = None  # (reached, now) when someone was first seen winding it back
        self._real_selector = self._selector
        self._selector = _VirtualSelector(self, self._real_selector)  # type: ignore[assignment]
        self.deadline = float("inf")  # virtual seconds
        self.turn_budget = 2_000_000
        self.turns = 0
        self.forced_advances = 0  # times the clock moved on while tasks were busy-waiting
        # times a worker thread was still busy after THREAD_SETTLE_LIMIT of real time and the
        # clock moved on without it (a thread that waits for the loop must never count as busy)
        self.settle_overruns = 0
        self.armed_for_now = 0  # timers armed for a moment already come, since the clock last moved
        self.aborted: LoopAborted | None = None
        self.describe_task: Callable[[asyncio.Task[Any]], str] = lambda t: t.get_name()
        self.on_advance: Callable[[float, float], None] | None = None
        self.on_task_created: Callable[[asyncio.Task[Any]], None] | None = None
        self.thread_ident: int | None = None
        # Threads: executor jobs still running, and those parked on virtual sleeps.
        self._threads_lock = threading.Lock()
        self._executor_jobs = 0
        self._counted_jobs: set[int] = set()  # id() of the futures whose jobs are in _executor_jobs
        self._parked: list[_ParkedThread] = []
        self._parked_seq = 0
        self._waiting_threads = 0  # workers blocked on a condition the loop will satisfy
        self._started_threads = 0  # threads started while this loop ran, still running (instrument.py)
        self.children = C.ChildLedger(self)  # child processes started on this loop
        # Schedule exploration: None runs the stock FIFO loop.
        self.schedule: Picker | None = None
        self.task_order: dict[int, int] = {}  # id(task) -> creation order, for the picker
        self._round_left = 0  # picks left before the loop polls I/O and timers again

    # -- the clock -------------------------------------------------------

    def time(self) -> float:
        return self._vnow

    def advance(self, seconds: float) -> None:
        """Moves the clock on (a blocking call stalled the loop this long)."""
        if seconds > 0:
            self._set_now(self._vnow + seconds)

    def _set_now(self, when: float) -> None:
        if when > self._vnow:
            before = self._vnow
            self._vnow = when
            self._reached = max(self._reached, when)
            self.armed_for_now = 0
            if self.on_advance is not None:
                self.on_advance(before, when)

    def notice_rewind(self) -> tuple[float, float] | None:
        """``(reached, now)`` if the clock has ever been seen behind where it had got to (someone set it back)."""
        if self._rewound is None and self._vnow < self._reached:
            self._rewound = (self._reached, self._vnow)
        return self._rewound

    def run_forever(self) -> None:
        self.thread_ident = threading.get_ident()
        super().run_forever()

    def call_at(self, when: float, callback: Callable[..., Any], *args: Any, context: Any = None) -> asyncio.TimerHandle:
        if when <= self._vnow:
            self.armed_for_now += 1  # a timer that is already due (see SPIN_STEP)
        return super().call_at(when, callback, *args, context=context)

    def create_task(self, coro: Any, **options: Any) -> asyncio.Task[Any]:
        # Overriding create_task (rather than installing a task factory) records every
        # task the same way on every Python and leaves set_task_factory to the learner.
        # The options go through as given: 3.11-3.13 take name and context, 3.14 also
        # eager_start (aiohttp's server starts each connection's handler that way).
        task = super().create_task(coro, **options)
        self.task_order[id(task)] = len(self.task_order)
        if self.on_task_created is not None:
            self.on_task_created(task)
        return task

    # -- one ready callback at a time ------------------------------------

    def _run_once(self) -> None:
        """One iteration of the loop: the stock one, or one picked callback under a schedule.

        A *round* mirrors one stock iteration: the loop polls I/O and moves due
        timers to the ready queue, then makes as many picks as there were ready
        callbacks before polling again. Each pick chooses among *everything* ready,
        including callbacks the round itself scheduled, so a task can run several
        steps ahead of the others, which lockstep (shuffled-batch) scheduling never
        does. Counting turns per round keeps busy-wait and livelock detection
        measuring what they measure on the stock loop.
        """
        if self.schedule is None:
            super()._run_once()
            return
        if self._round_left <= 0 or not self._ready:
            self._poll()
            self._round_left = len(self._ready)
        self._round_left -= 1
        handle = self.schedule.pick(self._ready, self.task_order)
        if handle is not None:
            handle._run()

    def _poll(self) -> None:
        """The first half of CPython's ``BaseEventLoop._run_once`` (identical in 3.11-3.14).

        Drop cancelled timers at the head of the heap, wait for I/O or the next
        timer (our selector moves the virtual clock), then move due timers to the
        ready queue. The stock bulk purge of cancelled timers is only an
        optimisation and is left out.
        """
        while self._scheduled and self._scheduled[0]._cancelled:
            self._timer_cancelled_count -= 1
            handle = heapq.heappop(self._scheduled)
            handle._scheduled = False
        timeout: float | None = None
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            timeout = min(max(0.0, self._scheduled[0]._when - self.time()), MAXIMUM_SELECT_TIMEOUT)
        event_list = self._selector.select(timeout)
        self._process_events(event_list)
        end_time = self.time() + self._clock_resolution
        while self._scheduled and self._scheduled[0]._when < end_time:
            handle = heapq.heappop(self._scheduled)
            handle._scheduled = False
            self._ready.append(handle)

    # -- child processes -------------------------------------------------

    async def _make_subprocess_transport(self, protocol: Any, args: Any, shell: bool, stdin: Any, stdout: Any,
                                         stderr: Any, bufsize: int, extra: Any = None, **kwargs: Any) -> Any:
        """CPython's (3.11-3.13 alike; 3.14 shields the last wait), with the child watched by this loop's ledger instead of a child watcher.

        The stock watchers hand the exit status over whenever the child dies (from a
        thread, or a pidfd the selector reports); the ledger does it at a jump decision.
        """
        from asyncio.unix_events import _UnixSubprocessTransport  # type: ignore[attr-defined]

        waiter = self.create_future()
        transport = _UnixSubprocessTransport(self, protocol, args, shell, stdin, stdout, stderr, bufsize,
                                             waiter=waiter, extra=extra, **kwargs)
        self.children.started(transport, args)
        try:
            await waiter
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException:
            transport.close()
            await transport._wait()
            raise
        return transport

    def close(self) -> None:
        if not self.is_running():
            self.children.shut_down()
        super().close()

    # -- threads ---------------------------------------------------------

    def run_in_executor(self, executor: Any, func: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        loop = self

        def job(*job_args: Any) -> Any:
            # While the job runs, its worker thread is this loop's: a wait of its on a condition, an
            # event or a queue (`concurrent.futures.wait`, `Event.wait`) counts as waiting, not as
            # work the clock must wait for (instrument.py's `_counted_loop`).
            thread = threading.current_thread()
            outer = getattr(thread, "_asynclings_loop", None)
            thread._asynclings_loop = loop  # type: ignore[attr-defined]
            try:
                return func(*job_args)
            finally:
                thread._asynclings_loop = outer  # type: ignore[attr-defined]

        future = super().run_in_executor(executor, job, *args)
        self.count_thread_job(future)  # already counted if instrument.py's wrap_future saw it first
        return future

    def count_thread_job(self, future: asyncio.Future[Any]) -> None:
        """A worker thread is doing a job whose result ``future`` (of this loop) will carry.

        The job counts as real work, which the clock waits for, until it parks on a
        virtual sleep or waits, and stops counting only once its result has reached the
        loop (``future`` is done): never in between, when the clock could jump past a
        result still on its way. Counting the same future again does nothing.
        """
        key = id(future)
        with self._threads_lock:
            if key in self._counted_jobs:
                return
            self._counted_jobs.add(key)
            self._executor_jobs += 1

        def finished(_: asyncio.Future[Any]) -> None:
            with self._threads_lock:
                self._executor_jobs -= 1
                self._counted_jobs.discard(key)

        future.add_done_callback(finished)

    def thread_sleep(self, seconds: float) -> None:
        """Blocks the calling worker thread for ``seconds`` of virtual time."""
        gate = threading.Lock()
        gate.acquire()
        with self._threads_lock:
            self._parked_seq += 1
            heapq.heappush(self._parked, _ParkedThread(self._vnow + max(0.0, seconds), self._parked_seq, gate))
        self._write_to_self()
        gate.acquire()  # until _wake_sleepers releases it

    def thread_waiting(self, delta: int) -> None:
        """A worker thread starts (+1) or stops (-1) waiting on something only the loop can do."""
        with self._threads_lock:
            self._waiting_threads += delta
        if delta > 0:
            self._write_to_self()

    def thread_started(self, delta: int) -> None:
        """A thread started while this loop runs begins (+1, in the starting thread) or ends (-1).

        Counted from the ``start()`` call, before the new thread runs, so the clock cannot
        move on in the moment between starting a thread and its first step.
        """
        with self._threads_lock:
            self._started_threads += delta
        if delta < 0:
            self._write_to_self()

    def _threads_busy(self) -> bool:
        with self._threads_lock:
            return self._executor_jobs + self._started_threads > len(self._parked) + self._waiting_threads

    def _next_thread_wake(self) -> float | None:
        with self._threads_lock:
            return self._parked[0].wake_at if self._parked else None

    def _wake_sleepers(self) -> None:
        """Wakes the worker threads and child processes whose virtual sleep is over."""
        with self._threads_lock:
            while self._parked and self._parked[0].wake_at <= self._vnow:
                heapq.heappop(self._parked).wake()
        self.children.wake_due()

    def _has_threads(self) -> bool:
        """Whether threads may still wake the loop: running executor jobs, or threads parked on virtual time."""
        with self._threads_lock:
            return self._executor_jobs > 0 or bool(self._parked)

    # -- giving up -------------------------------------------------------

    def abort(self, kind: str, detail: str) -> LoopAborted:
        error = LoopAborted(kind, detail, self.snapshot())
        if self.aborted is None:
            self.aborted = error
        return error

    def snapshot(self) -> list[TaskStack]:
        stacks: list[TaskStack] = []
        for task in asyncio.all_tasks(self):
            frames, waiting_on = await_chain(task)
            stacks.append(TaskStack(self.describe_task(task), frames, waiting_on))
        return stacks

    def next_timer(self) -> float | None:
        timers = [h for h in self._scheduled if not h._cancelled]
        when = min((h._when for h in timers), default=None)
        for wake in (self._next_thread_wake(), self.children.next_wake()):
            if wake is not None and (when is None or wake < when):
                when = wake
        return when


def await_chain(task: asyncio.Task[Any]) -> tuple[list[tuple[str, int, str]], str]:
    """The frames a suspended task is parked in, outermost first, and what it awaits.

    ``Task.get_stack`` shows only the outermost coroutine; following ``cr_await``
    reaches the line that is actually waiting.
    """
    frames: list[tuple[str, int, str]] = []
    awaitable: Any = task.get_coro()
    for _ in range(64):
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None) or getattr(awaitable, "ag_frame", None)
        if frame is None:
            break
        frames.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_qualname if hasattr(frame.f_code, "co_qualname") else frame.f_code.co_name))
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None) or getattr(awaitable, "ag_await", None)
        if awaitable is None:
            break
    waiter = getattr(task, "_fut_waiter", None)
    if frames and os.path.dirname(frames[-1][0]) == ASYNCIO_DIR:
        waiting_on = _asyncio_call(frames[-1][2])
    elif waiter is not None:
        waiting_on = _describe_future(waiter)
    elif frames:
        waiting_on = "nothing: it is ready to run"
    else:
        waiting_on = "not started yet"
    return frames, waiting_on


def _asyncio_call(qualname: str) -> str:
    """``Event.wait`` -> ``asyncio.Event.wait()``; ``__sleep0`` -> ``asyncio.sleep(0)``."""
    if qualname == "__sleep0":
        return "asyncio.sleep(0)"
    return f"asyncio.{qualname.lstrip('_')}()"


def _describe_future(future: Any) -> str:
    text = repr(future)
    if "never" in text:
        return text[:120]
    return "a future that nobody completes" if "pending" in text else text[:120]


class _Patience:
    """How long one jump decision has waited, in real time, for one kind of outside work."""

    __slots__ = ("limit", "started")

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.started: float | None = None

    def lasts(self) -> bool:
        """Whether to go on waiting: the limit (from the first call) has not run out yet."""
        now = _real_monotonic()
        if self.started is None:
            self.started = now
        return now - self.started < self.limit


class _VirtualSelector(selectors.BaseSelector):
    """Wraps the loop's real selector and decides when virtual time moves."""

    def __init__(self, loop: VirtualClockLoop, real: selectors.BaseSelector) -> None:
        self._loop = loop
        self._real = real
        self._busy_turns = 0
        self._ledger = SocketLedger()

    # Registration goes to the real selector.
    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.modify(fileobj, events, data)

    def get_key(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.get_key(fileobj)

    def get_map(self) -> Any:
        return self._real.get_map()

    def close(self) -> None:
        self._real.close()

    def _watched_fds(self) -> list[int]:
        """File descriptors the loop watches, other than its own wake-up socket."""
        own = self._loop._ssock.fileno() if self._loop._ssock is not None else -1
        return [key.fd for key in self._real.get_map().values() if key.fd != own]

    def io_state(self) -> str:
        """``sockets.SETTLED``, ``IN_FLIGHT`` or ``UNKNOWN``: may the clock jump as far as real I/O goes?"""
        watched = self._watched_fds()
        if not watched and self._ledger.empty:
            return SETTLED  # no sockets at all: the common case costs nothing
        return self._ledger.state(watched)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        loop = self._loop
        loop.turns += 1
        loop.notice_rewind()  # every turn: a clock set back and forward again between two checks still shows
        if loop.turns > loop.turn_budget and loop.aborted is None:
            raise loop.abort("time-limit", f"the program was still running after {loop.turn_budget:,} turns of the event loop")

        if timeout == 0:
            # Callbacks are ready: poll I/O without waiting, and notice busy-waiting.
            events = self._real.select(0)
            self._busy_turns += 1
            if self._busy_turns >= SPIN_ADVANCE_TURNS:
                self._spun(events)
            return events

        self._busy_turns = 0
        settled = 0.0
        io_patience, children_patience = _Patience(IO_SETTLE_LIMIT), _Patience(C.SETTLE_LIMIT)
        while True:
            # Look at threads, child processes and sockets first, then poll: whatever an idle thread
            # posted (call_soon_threadsafe writes a wake-up byte), whatever a child wrote before it
            # slept or died, and whatever the kernel had delivered by then is visible to the poll,
            # so a jump decided below cannot overtake it.
            busy = loop._threads_busy()
            children = loop.children.state()
            io = self.io_state()
            events = self._real.select(0)
            if events:
                return events
            if loop._ready:
                return []  # a thread queued a callback just now
            if children == C.EXITED:
                loop.children.deliver_exits()  # everything it wrote has been read: now its exit
                return []
            if children == C.BUSY and children_patience.lasts():
                # A child process is running in real time: keep the clock still until it exits,
                # sleeps on the virtual clock or waits for us to read a full pipe.
                events = self._real.select(C.SETTLE_STEP)
                if events:
                    return events
                continue
            if busy and settled < THREAD_SETTLE_LIMIT:
                # A worker thread is doing real work: give it real time, keep the clock still.
                events = self._real.select(THREAD_SETTLE_STEP)
                if events:
                    return events
                settled += THREAD_SETTLE_STEP
                continue
            if busy:
                loop.settle_overruns += 1
            if io == IN_FLIGHT:
                # Loopback traffic between our own sockets is still being delivered: it lands in
                # microseconds (or when the kernel's softirq thread gets a turn). Keep the clock still.
                if io_patience.lasts():
                    events = self._real.select(IO_SETTLE_STEP)
                    if events:
                        return events
                    continue
            elif io != SETTLED:
                # A peer outside this process: nothing says whether it will answer; give it a moment.
                events = self._real.select(IO_OUTSIDE_GRACE)
                if events:
                    return events
            when = loop.next_timer()
            if when is None:
                if loop._has_threads() or children == C.BUSY:
                    # Threads or a child process hold the only way forward; wait for them in real time.
                    events = self._real.select(THREAD_SETTLE_STEP)
                    if events:
                        return events
                    continue
                if loop.aborted is not None:
                    raise loop.aborted
                raise loop.abort("deadlock", "every task is waiting and nothing can wake any of them" + loop.children.stuck())
            if when > loop.deadline:
                loop._set_now(loop.deadline)
                raise loop.abort("time-limit", f"the program was still running after {loop.deadline:g} seconds (virtual time)")
            loop._set_now(when)
            loop._wake_sleepers()
            if loop._threads_busy():
                continue  # a thread we just woke is running; let it finish or park again
            return []

    def _spun(self, events: list[Any]) -> None:
        """Many busy turns in a row: time passes while tasks spin."""
        loop = self._loop
        if events:
            self._busy_turns = 0
            return
        if loop.children.settle() == C.EXITED:
            loop.children.deliver_exits()
            self._busy_turns = 0
            return
        when = loop.next_timer()
        if when is not None and self.io_state() == IN_FLIGHT:
            return  # time may pass only once the kernel has delivered what is on its way
        if when is not None:
            if when > loop.deadline:
                raise loop.abort("time-limit", f"the program was still running after {loop.deadline:g} seconds (virtual time)")
            loop.forced_advances += 1
            rearming = when <= loop.time() or loop.armed_for_now > 0
            loop._set_now(loop.time() + SPIN_STEP if rearming else when)
            loop._wake_sleepers()
            self._busy_turns = 0
        elif self._busy_turns >= LIVELOCK_TURNS and not loop._has_threads():
            if loop.aborted is not None:
                raise loop.aborted
            raise loop.abort(
                "time-limit",
                f"tasks kept running for {LIVELOCK_TURNS:,} turns of the event loop without ever waiting for a timer or I/O",
            )
