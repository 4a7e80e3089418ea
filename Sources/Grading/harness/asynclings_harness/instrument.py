"""Process-wide instrumentation installed before the learner's code is imported.

* an audit hook that notices blocking calls made on the event loop thread;
* ``time.sleep`` that is virtual: on the loop thread it stalls the loop (and is
  reported as blocking), on a worker thread it parks the thread on the virtual
  clock; learner-visible ``time.monotonic``/``perf_counter``/``time`` follow the
  virtual clock on the loop thread, so printed durations match virtual time;
* ``asyncio.run``, ``asyncio.Runner`` and ``asyncio.new_event_loop`` that hand out
  virtual-clock loops, so a learner's own entry point runs on the same clock (SIGINT
  cancels its main task, as the real ``asyncio.Runner`` arranges);
* every warning recorded (never-awaited coroutines arrive as RuntimeWarnings);
* coroutine origin tracking, so a never-awaited coroutine names the line that made it
  (in worker threads too: the setting is per thread, so ``Thread.run`` turns it on);
* ``concurrent.futures.Future.result``/``exception`` that tell the virtual clock when a
  worker thread blocks waiting for the loop (``run_coroutine_threadsafe(...).result()``),
  so the clock moves on instead of waiting for a thread that waits for it;
* ``asyncio.run`` in a worker thread (while the grade's loop runs in the main thread)
  that runs on a virtual-clock loop of that thread's own, as the real one would;
* ``asyncio.wrap_future`` that counts a thread pool job as running until its result
  reaches the loop, so ``await asyncio.wrap_future(pool.submit(f))`` keeps the clock
  still exactly as ``loop.run_in_executor(pool, f)`` does.

Python 3.11 has no audit event for ``time.sleep`` (3.13 added one), hence the wrapper.
"""

from __future__ import annotations

import asyncio
import asyncio.events
import asyncio.runners
import concurrent.futures
import concurrent.futures.thread
import contextvars
import functools
import os
import queue
import sys
import threading
import time
import warnings
from typing import TYPE_CHECKING, Any, Callable

from . import children
from .clock import VirtualClockLoop

if TYPE_CHECKING:
    from types import FrameType

    from .session import Session

# Audit events that mean "this call blocks the thread it runs on", with the fix.
BLOCKING_EVENTS: dict[str, str] = {
    "open": "file I/O",
    "socket.connect": "a blocking socket connect",
    "socket.getaddrinfo": "a blocking DNS lookup",
    "socket.gethostbyname": "a blocking DNS lookup",
    "subprocess.Popen": "starting a subprocess synchronously",
    "os.system": "os.system",
    "os.posix_spawn": "starting a process synchronously",
    "os.exec": "os.exec",
    "builtins.input": "input()",
    "sqlite3.connect": "a synchronous sqlite3 connection",
    "urllib.Request": "a synchronous HTTP request (urllib)",
}
SPAWN_EVENTS = ("subprocess.Popen", "os.posix_spawn", "os.system", "os.fork", "os.forkpty")
MAX_CHILD_PROCESSES = 8

real_sleep = time.sleep
real_monotonic = time.monotonic
real_perf_counter = time.perf_counter
real_time = time.time
real_asyncio_run = asyncio.run
real_runner = asyncio.runners.Runner
real_new_event_loop = asyncio.new_event_loop
real_future_result = concurrent.futures.Future.result
real_thread_run = threading.Thread.run
real_thread_start = threading.Thread.start
real_condition_wait = threading.Condition.wait
real_condition_notify = threading.Condition.notify
real_simple_queue = queue.SimpleQueue
ORIGIN_DEPTH = 16
real_future_exception = concurrent.futures.Future.exception
real_pool_submit = concurrent.futures.ThreadPoolExecutor.submit
real_wrap_future = asyncio.futures.wrap_future


class Instrumentation:
    """Installs the hooks once per process and routes what they see to the session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.warnings: list[warnings.WarningMessage] = []
        self._reentry = threading.local()
        self._children = 0
        self._started_real = real_time()
        self.replaced: list[tuple[Any, str]] = []  # (owner, attribute) of everything install() replaced
        self._audit_handlers: dict[str, Callable[[str, tuple[Any, ...]], None]] = {}
        for event in SPAWN_EVENTS:
            self.on_audit(event, self._spawning)
        for event in BLOCKING_EVENTS:
            self.on_audit(event, self._blocking_event)
        children.watch_signals(self.on_audit)  # a killed child is dying, not asleep (children.py)

    def install(self) -> None:
        sys.set_coroutine_origin_tracking_depth(ORIGIN_DEPTH)
        self._replace(threading.Thread, "run", _run_tracking_origins)
        catcher = warnings.catch_warnings(record=True)
        self.warnings = catcher.__enter__()  # kept for the life of the process
        warnings.simplefilter("always")
        sys.addaudithook(self._audit)
        self._replace(time, "sleep", self._sleep)
        self._replace(time, "monotonic", self._clock(real_monotonic))
        self._replace(time, "perf_counter", self._clock(real_perf_counter))
        self._replace(time, "time", self._clock(real_time))
        self._replace(asyncio, "run", self._asyncio_run)
        self._replace(asyncio.runners, "run", self._asyncio_run)
        graded_runner = _graded_runner(self)
        self._replace(asyncio, "Runner", graded_runner)
        self._replace(asyncio.runners, "Runner", graded_runner)
        self._replace(asyncio, "new_event_loop", self.session.new_loop)
        self._replace(asyncio.events, "new_event_loop", self.session.new_loop)
        self._replace(asyncio.get_event_loop_policy(), "_loop_factory", self.session.new_loop)
        self._replace(concurrent.futures.Future, "result", self._waiting_for_loop(real_future_result))
        self._replace(concurrent.futures.Future, "exception", self._waiting_for_loop(real_future_exception))
        session = self.session
        self._replace(threading.Thread, "start", lambda thread: _counted_start(session, thread))
        self._replace(threading.Condition, "wait", _condition_wait)
        self._replace(threading.Condition, "notify", _condition_notify)
        # Libraries bind the name when imported (`from queue import SimpleQueue`): installed before the learner's imports.
        self._replace(queue, "SimpleQueue", WatchedSimpleQueue)
        self._replace(concurrent.futures.ThreadPoolExecutor, "submit", _marked_submit)
        # run_in_executor calls asyncio.futures.wrap_future; learners call asyncio.wrap_future.
        self._replace(asyncio.futures, "wrap_future", _counted_wrap_future)
        self._replace(asyncio, "wrap_future", _counted_wrap_future)

    def _replace(self, owner: Any, name: str, value: Any) -> None:
        """Sets ``owner.name``, remembered so the tampering check can tell it stays the grader's (integrity.py)."""
        setattr(owner, name, value)
        self.replaced.append((owner, name))

    # -- blocking calls -----------------------------------------------------

    def _on_loop_thread(self) -> VirtualClockLoop | None:
        loop = asyncio._get_running_loop()
        return loop if isinstance(loop, VirtualClockLoop) else None

    # -- the audit hook ------------------------------------------------------

    def on_audit(self, event: str, handler: Callable[[str, tuple[Any, ...]], None]) -> None:
        """Has the harness's audit hook call ``handler(event, args)`` for ``event`` (after any handler already there).

        One hook for the whole harness, dispatching through one dict: every audited event of
        a grade (``id()`` calls and attribute reads included, thousands) costs one lookup.
        """
        previous = self._audit_handlers.get(event)
        if previous is None:
            self._audit_handlers[event] = handler
            return

        def both(event: str, args: tuple[Any, ...]) -> None:
            previous(event, args)
            handler(event, args)

        self._audit_handlers[event] = both

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        handler = self._audit_handlers.get(event)
        if handler is not None:
            handler(event, args)

    def _spawning(self, event: str, args: tuple[Any, ...]) -> None:
        self._limit_children(event, _audited_from(sys._getframe(1)))

    def _blocking_event(self, event: str, args: tuple[Any, ...]) -> None:
        what = BLOCKING_EVENTS[event]
        if getattr(self._reentry, "active", False):
            return
        if self._on_loop_thread() is None:
            return
        if event == "socket.connect" and args and _non_blocking(args[0]):
            return
        if event == "open" and args and isinstance(args[0], int):
            return  # a file object around a descriptor already open (Popen's pipes): no I/O happens here
        self._reentry.active = True
        try:
            detail = what
            if event == "open" and args:
                detail = f"file I/O (open {str(args[0])[:80]!r})"
            self.session.blocking_call(f"{detail} on the event loop thread", None, asyncio_ok=True)
        finally:
            self._reentry.active = False

    def _limit_children(self, event: str, caller: str) -> None:
        if event in ("os.fork", "os.forkpty"):
            raise PermissionError("asynclings: os.fork() is not allowed in exercises (use asyncio subprocesses)")
        if event == "os.posix_spawn" and os.path.basename(caller) == "subprocess.py":
            return  # the process a subprocess.Popen (counted already) starts this way (3.13)
        self._children += 1
        if self._children > MAX_CHILD_PROCESSES:
            raise PermissionError(f"asynclings: an exercise may start at most {MAX_CHILD_PROCESSES} processes")

    def _sleep(self, seconds: float) -> None:
        loop = self._on_loop_thread()
        if loop is not None:
            self.session.blocking_call(f"time.sleep({seconds:g}) blocked the event loop thread", seconds)
            loop.advance(seconds)
            return
        loop = self.session.running_loop
        if loop is not None and loop.is_running() and threading.get_ident() != loop.thread_ident:
            loop.thread_sleep(seconds)
            return
        real_sleep(seconds)

    def _clock(self, real: Callable[[], float]) -> Callable[[], float]:
        origin = real()

        def clock() -> float:
            loop = self._on_loop_thread()
            if loop is not None:
                return origin + loop.time()
            return real()

        clock.__name__ = real.__name__
        return clock

    # -- worker threads waiting for the loop -------------------------------

    def _worker_of(self) -> VirtualClockLoop | None:
        """The grade's running loop, when the calling thread is one of its workers (not the loop's own)."""
        loop = self.session.running_loop
        if loop is None or not loop.is_running() or threading.get_ident() == loop.thread_ident:
            return None
        return loop

    def _waiting_for_loop(self, wait: Callable[..., Any]) -> Callable[..., Any]:
        """Wraps a blocking ``Future`` method: a worker blocked in it is waiting, not busy.

        The clock treats a running executor job as real work and keeps still until it
        parks or ends. A worker blocked in ``future.result()`` on something the loop will
        provide (``run_coroutine_threadsafe``) is neither, so it is counted as waiting
        until the future completes. Both ends are ordered so that virtual time cannot
        depend on thread timing:

        * the wait starts through ``call_soon_threadsafe``, queued behind whatever the
          worker handed the loop before (the coroutine to run), so the clock cannot move
          on before the loop has picked that work up;
        * it ends in the thread that completes the future, before that thread goes on,
          so the clock never sees the worker as idle after it has its answer; the end is
          attached before the start is announced, so a completion in between still ends it.
        """
        instrumentation = self

        def waiting(future: concurrent.futures.Future[Any], timeout: float | None = None) -> Any:
            loop = instrumentation._worker_of()
            if loop is None or future.done():
                return wait(future, timeout)
            release = _WaitRelease(loop)
            # The release is attached before the wait is announced: otherwise the loop could
            # complete the future between the two, the wait would stay counted while the
            # worker runs on, and the clock would race ahead of it (seen under load).
            future.add_done_callback(release)
            try:
                loop.call_soon_threadsafe(loop.thread_waiting, +1)
            except RuntimeError:  # the loop closed meanwhile: nothing was counted, nothing to end
                release.disarm()
                return wait(future, timeout)
            _waiting.depth = getattr(_waiting, "depth", 0) + 1  # the future's own Condition.wait is this same wait
            try:
                return wait(future, timeout)
            finally:
                _waiting.depth -= 1
                release(future)

        functools.update_wrapper(waiting, wait)
        return waiting

    # -- the learner's own event loop --------------------------------------

    def _asyncio_run(self, main: Any, *, debug: bool | None = None, loop_factory: Any = None) -> Any:
        if asyncio._get_running_loop() is not None:
            # The same error the real asyncio.run gives, before the coroutine leaks.
            if asyncio.iscoroutine(main):
                main.close()
            raise RuntimeError("asyncio.run() cannot be called from a running event loop")
        if not asyncio.iscoroutine(main):
            raise ValueError(f"a coroutine was expected, got {main!r}")
        if self._worker_of() is not None:
            # A worker thread starting a loop of its own, apart from the grade's: allowed, as in
            # real asyncio, on a virtual clock of its own (the grade's loop keeps its state).
            with real_runner(loop_factory=VirtualClockLoop) as runner:
                return runner.run(main)
        self.session.asyncio_runs.append(getattr(main, "__qualname__", type(main).__name__))
        return self.session.run_loop(main, entry="asyncio.run", interrupt=True)


def _graded_runner(instrumentation: Instrumentation) -> type:
    """``asyncio.Runner`` as the grader runs the learner's (the public API of 3.11-3.13's).

    A Runner the learner's file makes gets one virtual-clock loop, made on first use
    and shut down by ``close()``; each ``run()`` is audited like the learner's
    ``asyncio.run`` (tasks, leaks, deadlocks), and SIGINT cancels its main task.
    ``loop_factory`` is not used: every loop of a grade is a virtual-clock one. A
    Runner made anywhere else (pytest-asyncio, say) is the real one, as is one made in
    a worker thread (on a virtual-clock loop of that thread's own, as for ``asyncio.run``).
    """
    session = instrumentation.session

    class Runner:
        __doc__ = real_runner.__doc__

        def __new__(cls, *, debug: bool | None = None, loop_factory: Any = None) -> Any:
            if instrumentation._worker_of() is not None:
                return real_runner(debug=debug, loop_factory=VirtualClockLoop)
            if not session.learner.owns(sys._getframe(1).f_code.co_filename):
                return real_runner(debug=debug, loop_factory=loop_factory)
            return super().__new__(cls)

        def __init__(self, *, debug: bool | None = None, loop_factory: Any = None) -> None:
            self._debug = debug
            self._loop: VirtualClockLoop | None = None
            self._context: contextvars.Context | None = None
            self._closed = False

        def __enter__(self) -> Runner:
            self.get_loop()
            return self

        def __exit__(self, *exc_info: Any) -> None:
            self.close()

        def get_loop(self) -> VirtualClockLoop:
            if self._closed:
                raise RuntimeError("Runner is closed")
            if self._loop is None:
                self._loop = session.new_loop()
                if self._debug is not None:
                    self._loop.set_debug(self._debug)
                self._context = contextvars.copy_context()
            return self._loop

        def run(self, coro: Any, *, context: contextvars.Context | None = None) -> Any:
            if not asyncio.iscoroutine(coro):
                raise ValueError(f"a coroutine was expected, got {coro!r}")
            if asyncio._get_running_loop() is not None:
                raise RuntimeError("Runner.run() cannot be called from a running event loop")
            loop = self.get_loop()
            session.asyncio_runs.append(getattr(coro, "__qualname__", type(coro).__name__))
            return session.run_loop(coro, entry="asyncio.Runner.run", loop=loop,
                                    context=context if context is not None else self._context, interrupt=True)

        def close(self) -> None:
            loop, self._loop, self._closed = self._loop, None, True
            if loop is not None:
                session.close_loop(loop)

    return Runner


def _run_tracking_origins(thread: threading.Thread) -> None:
    """``Thread.run`` with coroutine origin tracking on in the new thread (it is a per-thread setting)."""
    sys.set_coroutine_origin_tracking_depth(ORIGIN_DEPTH)
    real_thread_run(thread)


class _WaitRelease:
    """Ends one worker's wait exactly once: from the future's done-callback or the waiter's own exit."""

    def __init__(self, loop: VirtualClockLoop) -> None:
        self.loop = loop
        self._lock = threading.Lock()
        self._released = False

    def __call__(self, _future: Any) -> None:
        with self._lock:
            if self._released:
                return
            self._released = True
        self.loop.thread_waiting(-1)

    def disarm(self) -> None:
        """The wait was never counted: make later calls do nothing."""
        with self._lock:
            self._released = True


def _marked_submit(executor: concurrent.futures.ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any,
                   **kwargs: Any) -> concurrent.futures.Future[Any]:
    """``ThreadPoolExecutor.submit`` that marks the future as a thread job's (see ``_counted_wrap_future``)."""
    future = real_pool_submit(executor, fn, *args, **kwargs)
    future._asynclings_thread_job = True  # type: ignore[attr-defined]
    return future


def _counted_wrap_future(future: Any, *, loop: Any = None) -> asyncio.Future[Any]:
    """``asyncio.wrap_future``: a thread pool job not finished yet counts as a running thread job of the loop
    (``VirtualClockLoop.count_thread_job``) until its result has reached the loop.

    Only thread pool futures count: a future some other thread will complete (a
    coroutine run on another loop) is not work the clock should wait for.
    """
    wrapped = real_wrap_future(future, loop=loop)
    if getattr(future, "_asynclings_thread_job", False) and not future.done():
        owner = wrapped.get_loop()
        if isinstance(owner, VirtualClockLoop):
            owner.count_thread_job(wrapped)
    return wrapped


_executor_worker = getattr(concurrent.futures.thread, "_worker", None)


def _counted_start(session: Session, thread: threading.Thread) -> None:
    """``Thread.start`` that counts the thread as busy on the running grade loop until its ``run`` ends.

    Executor workers are left out: their jobs are counted by ``run_in_executor``.
    """
    loop = session.running_loop
    if loop is None or not loop.is_running() or getattr(thread, "_target", None) is _executor_worker:
        return real_thread_start(thread)
    run = thread.run

    def counted_run() -> None:
        try:
            run()
        finally:
            loop.thread_started(-1)

    thread.run = counted_run  # type: ignore[method-assign]
    thread._asynclings_loop = loop  # type: ignore[attr-defined]
    loop.thread_started(+1)
    try:
        real_thread_start(thread)
    except BaseException:
        loop.thread_started(-1)
        raise
_waiting = threading.local()  # depth: > 0 while this thread's wait is already counted


def _counted_loop() -> VirtualClockLoop | None:
    """The loop that counts the calling thread as busy (see ``_counted_start``), unless its wait is already counted."""
    loop = getattr(threading.current_thread(), "_asynclings_loop", None)
    if loop is None or getattr(_waiting, "depth", 0) > 0 or loop.is_closed():
        return None
    return loop


class _Handoff:
    """The counted threads blocked waiting on one queue or condition, and the hand-overs that woke them.

    ``begin`` (the waiter, before blocking) counts a thread as waiting; ``hand`` (the thread that
    puts or notifies) counts that many as busy again at once; ``end`` (the waiter, awake) counts
    itself busy unless a hand-over already did. Only counts matter, not which thread woke.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting: list[VirtualClockLoop] = []
        self.handed: list[VirtualClockLoop] = []

    def begin(self, loop: VirtualClockLoop) -> None:
        self.waiting.append(loop)
        _waiting.depth = getattr(_waiting, "depth", 0) + 1
        loop.thread_waiting(+1)

    def end(self, loop: VirtualClockLoop) -> None:
        _waiting.depth -= 1
        with self.lock:
            if loop in self.handed:
                self.handed.remove(loop)
                return
            if loop in self.waiting:
                self.waiting.remove(loop)
        loop.thread_waiting(-1)

    def hand(self, count: int) -> None:
        woken: list[VirtualClockLoop] = []
        with self.lock:
            while count > 0 and self.waiting:
                woken.append(self.waiting.pop(0))
                count -= 1
            self.handed += woken
        for loop in woken:
            loop.thread_waiting(-1)


class WatchedSimpleQueue(real_simple_queue):  # type: ignore[misc,valid-type]
    """``queue.SimpleQueue`` whose counted consumer threads are idle while it is empty (see ``_Handoff``)."""

    def __init__(self) -> None:
        super().__init__()
        self._handoff = _Handoff()

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        loop = _counted_loop() if block else None
        if loop is None:
            return super().get(block, timeout)
        handoff = self._handoff
        with handoff.lock:
            waits = self.empty()
            if waits:
                handoff.begin(loop)
        try:
            return super().get(block, timeout)
        finally:
            if waits:
                handoff.end(loop)

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        with self._handoff.lock:
            super().put(item, block, timeout)
        self._handoff.hand(1)

    def put_nowait(self, item: Any) -> None:
        self.put(item, False)


def _condition_wait(condition: threading.Condition, timeout: float | None = None) -> bool:
    """``Condition.wait``: a counted thread waiting here is idle until notified (see ``_Handoff``)."""
    loop = _counted_loop()
    if loop is None:
        return real_condition_wait(condition, timeout)
    handoff = _handoff_of(condition)
    with handoff.lock:
        handoff.begin(loop)
    try:
        return real_condition_wait(condition, timeout)
    finally:
        handoff.end(loop)


def _condition_notify(condition: threading.Condition, n: int = 1) -> None:
    handoff = getattr(condition, "_asynclings_handoff", None)
    if handoff is not None:
        handoff.hand(n)
    real_condition_notify(condition, n)


def _handoff_of(condition: threading.Condition) -> _Handoff:
    handoff = getattr(condition, "_asynclings_handoff", None)
    if handoff is None:
        handoff = condition._asynclings_handoff = _Handoff()  # type: ignore[attr-defined]
    return handoff


def _audited_from(frame: FrameType | None) -> str:
    """The file of the code whose call raised the audit event: the first frame outside this module."""
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return frame.f_code.co_filename if frame is not None else ""


def _non_blocking(sock: Any) -> bool:
    try:
        return sock.gettimeout() == 0.0
    except Exception:
        return False
