"""Does this Python behave as the harness assumes? The harness's own conformance tests.

The virtual clock copies half of asyncio's ``BaseEventLoop._run_once`` and reads the
loop's private fields; the task recorder relies on every task passing through
``loop.create_task``; the blocking, spawning and tampering checks rely on audit
events. All of that is known to hold on the tested Pythons (``tested-pythons.json``
beside ``grade.py``). On any other, the grader runs these tests once before its first
grade (``grade.py --conformance``), inside the same sandbox as grades, and grades only
if every one passes; a failure names the test, what was expected and what was seen.

Each test runs a small program whose outcome does not depend on the machine's speed:
on a stock asyncio loop (the reference) and on the virtual clock, in its ordinary
order and under a first-in-first-out schedule (which runs ``_poll``, the copied half
of ``_run_once``), and compares what they did. Together they take well under a second.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import socket
import sys
import threading
from collections import deque
from typing import Any, Callable, Coroutine

from .clock import LoopAborted, VirtualClockLoop

HARNESS_FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTED_PYTHONS_FILE = os.path.join(HARNESS_FOLDER, "tested-pythons.json")

Version = tuple[int, int]


def tested_pythons(path: str = TESTED_PYTHONS_FILE) -> tuple[Version, Version]:
    """The first and last Python minor versions the harness is tested on (shared with the Swift side)."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)

    def version(text: str) -> Version:
        major, minor = text.split(".")
        return int(major), int(minor)

    return version(data["first"]), version(data["last"])


class Difference(Exception):
    """What a conformance test expected and what this Python did instead."""

    def __init__(self, what: str, expected: Any, seen: Any) -> None:
        super().__init__(what)
        self.what = what
        self.expected = expected
        self.seen = seen


def expect_equal(what: str, expected: Any, seen: Any) -> None:
    if expected != seen:
        raise Difference(what, expected, seen)


class Test:
    """One conformance test: a name, what it shows, and the function that shows it."""

    def __init__(self, name: str, purpose: str, function: Callable[[], None]) -> None:
        self.name = name
        self.purpose = purpose
        self.function = function

    def run(self) -> dict[str, Any]:
        """``{"name", "passed"}``, with ``what``, ``expected`` and ``seen`` when it did not pass."""
        outcome: dict[str, Any] = {"name": self.name, "purpose": self.purpose, "passed": True}
        try:
            self.function()
        except Difference as difference:
            outcome.update(passed=False, what=difference.what, expected=_shown(difference.expected),
                           seen=_shown(difference.seen))
        except BaseException as error:  # an internal the harness reads is gone, say
            outcome.update(passed=False, what="the test ran to its end", expected="no error",
                           seen=f"{type(error).__name__}: {error}")
        return outcome


TESTS: list[Test] = []


def conformance(name: str, purpose: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(function: Callable[[], None]) -> Callable[[], None]:
        TESTS.append(Test(name, purpose, function))
        return function

    return register


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


# -- running one program three ways ----------------------------------------------------


class FirstInFirstOut:
    """A schedule that picks the oldest ready callback: under it the virtual clock runs its own
    copy of ``_run_once`` (``VirtualClockLoop._poll``), which must order callbacks as the stock one does."""

    def pick(self, ready: deque[asyncio.Handle], task_order: dict[int, int]) -> asyncio.Handle | None:
        handle = ready.popleft()
        return None if handle._cancelled else handle  # type: ignore[attr-defined]


Program = Callable[[asyncio.AbstractEventLoop, list[Any]], Coroutine[Any, Any, None]]


def _run(loop: asyncio.AbstractEventLoop, program: Program) -> list[Any]:
    trace: list[Any] = []
    try:
        loop.run_until_complete(program(loop, trace))
    finally:
        loop.close()
    return trace


def same_everywhere(what: str, program: Program) -> list[Any]:
    """Runs ``program`` on a stock loop and on the virtual clock (stock order, then its own
    copy of ``_run_once``); each must leave the same trace. Returns the stock loop's."""
    reference = _run(asyncio.SelectorEventLoop(), program)
    expect_equal(f"{what} (the virtual clock, asyncio's order)", reference, _run(VirtualClockLoop(), program))
    explored = VirtualClockLoop()
    explored.schedule = FirstInFirstOut()
    expect_equal(f"{what} (the virtual clock's copy of _run_once)", reference, _run(explored, program))
    return reference


def close_quietly(loop: asyncio.AbstractEventLoop) -> None:
    """Closes a loop a test gave up on: the tasks still pending there are the test's, not news."""
    for task in asyncio.all_tasks(loop):
        task._log_destroy_pending = False  # type: ignore[attr-defined]
    loop.close()


# -- the loop ----------------------------------------------------------------------------


@conformance("loop-internals", "the private fields of asyncio's loop that the virtual clock reads and drives")
def loop_internals() -> None:
    loop = VirtualClockLoop()
    try:
        fields = {"_ready": deque, "_scheduled": list, "_timer_cancelled_count": int, "_clock_resolution": float,
                  "_stopping": bool}
        seen = {name: type(getattr(loop, name, None)).__name__ for name in fields}
        expect_equal("types of the loop's fields", {name: kind.__name__ for name, kind in fields.items()}, seen)
        methods = ["_process_events", "_write_to_self", "_run_once", "_make_subprocess_transport"]
        expect_equal("the loop's methods", methods, [name for name in methods if callable(getattr(loop, name, None))])
        timer = loop.call_later(1, print)
        handle_fields = ["_when", "_cancelled", "_scheduled", "_callback", "_run"]
        expect_equal("a timer handle's fields", handle_fields, [name for name in handle_fields if hasattr(timer, name)])
        expect_equal("where a timer waits", [timer], loop._scheduled)
        timer.cancel()
    finally:
        loop.close()


@conformance("ready-queue", "callbacks run first in, first out; one scheduled while the queue runs waits for the next turn")
def ready_queue() -> None:
    async def program(loop: asyncio.AbstractEventLoop, trace: list[Any]) -> None:
        done = loop.create_future()

        def step(name: str, then: str | None = None) -> None:
            trace.append(name)
            if then is not None:
                loop.call_soon(step, then)

        loop.call_soon(step, "a", "c")
        loop.call_soon(step, "b", "d")
        loop.call_soon_threadsafe(step, "e")
        handle = loop.call_soon(step, "never")
        handle.cancel()
        loop.call_soon(lambda: loop.call_soon(done.set_result, None))
        await done

    expect_equal("the order of call_soon callbacks", ["a", "b", "e", "c", "d"],
                 same_everywhere("the order of call_soon callbacks", program))


@conformance("timers", "timers run in deadline order, after the callbacks already ready, and a cancelled one never runs")
def timers() -> None:
    async def program(loop: asyncio.AbstractEventLoop, trace: list[Any]) -> None:
        done = loop.create_future()
        # Deadlines from one reading of the clock: the order cannot depend on how fast these lines run.
        base = loop.time()
        loop.call_at(base + 0.004, trace.append, "late")
        loop.call_at(base + 0.002, trace.append, "early")
        cancelled = loop.call_at(base + 0.001, trace.append, "cancelled")
        loop.call_at(base, trace.append, "due now")
        loop.call_soon(trace.append, "soon")
        cancelled.cancel()
        loop.call_at(base + 0.006, done.set_result, None)
        await done
        trace.append(("cancelled timers left", loop._timer_cancelled_count, len(loop._scheduled)))  # type: ignore[attr-defined]

    expected = ["soon", "due now", "early", "late", ("cancelled timers left", 0, 0)]
    expect_equal("the order timers run in", expected, same_everywhere("the order timers run in", program))
    loop = VirtualClockLoop()
    times: list[float] = []

    async def sleeper() -> None:
        await asyncio.sleep(5)
        times.append(loop.time())
        await asyncio.sleep(2.5)
        times.append(loop.time())

    loop.run_until_complete(sleeper())
    loop.close()
    expect_equal("the virtual clock after sleep(5) and sleep(2.5)", [5.0, 7.5], times)


@conformance("cancellation", "a cancelled task sees CancelledError where it waits, with the message, and counts its cancellations")
def cancellation() -> None:
    async def program(loop: asyncio.AbstractEventLoop, trace: list[Any]) -> None:
        started = asyncio.Event()

        async def worker() -> None:
            started.set()
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError as error:
                trace.append(("cancelled", error.args, asyncio.current_task().cancelling()))  # type: ignore[union-attr]
                raise

        task = asyncio.ensure_future(worker())
        await started.wait()
        task.cancel("stop")
        try:
            await task
        except asyncio.CancelledError:
            trace.append(("awaited", task.cancelled()))
        try:
            async with asyncio.timeout(0.001):
                await asyncio.sleep(3600)
        except TimeoutError:
            trace.append("timed out")
        shielded = asyncio.ensure_future(asyncio.sleep(0.001, "kept"))
        outer = asyncio.ensure_future(asyncio.shield(shielded))
        await asyncio.sleep(0)
        outer.cancel()
        trace.append(("shielded", await shielded, outer.cancelled()))

    expected = [("cancelled", ("stop",), 1), ("awaited", True), "timed out", ("shielded", "kept", True)]
    expect_equal("what cancellation does", expected, same_everywhere("what cancellation does", program))


@conformance("task-group", "a failing TaskGroup child cancels its siblings and the group raises an ExceptionGroup")
def task_group() -> None:
    async def program(loop: asyncio.AbstractEventLoop, trace: list[Any]) -> None:
        async def fails() -> None:
            await asyncio.sleep(0.001)
            raise ValueError("boom")

        async def sibling(name: str, cancelled: list[str]) -> None:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                cancelled.append(name)
                raise

        cancelled: list[str] = []
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(sibling("first", cancelled))
                group.create_task(fails())
                group.create_task(sibling("second", cancelled))
        except ExceptionGroup as error:
            # The group cancels its children in the order of a set: which goes first is not asyncio's promise.
            trace.append(("cancelled", sorted(cancelled)))
            trace.append(("raised", [repr(e) for e in error.exceptions], loop.time() > 0))

    expected = [("cancelled", ["first", "second"]), ("raised", ["ValueError('boom')"], True)]
    expect_equal("what a TaskGroup does", expected, same_everywhere("what a TaskGroup does", program))


@conformance("deadlock", "with every task waiting and nothing to wake them, the virtual clock reports where each waits")
def deadlock() -> None:
    loop = VirtualClockLoop()

    async def waiter() -> None:
        await asyncio.Event().wait()

    seen: Any = "no LoopAborted"
    try:
        loop.run_until_complete(waiter())
    except LoopAborted as aborted:
        seen = (aborted.kind, [stack.waiting_on for stack in aborted.stacks])
    finally:
        close_quietly(loop)
    expect_equal("the deadlock report", ("deadlock", ["asyncio.Event.wait()"]), seen)


# -- threads -------------------------------------------------------------------------------


@conformance("to-thread", "asyncio.to_thread runs through run_in_executor: the clock counts the job until its result is in, and waits for it")
def to_thread() -> None:
    loop = VirtualClockLoop()
    gate = threading.Event()

    def job() -> str:
        gate.wait(10)  # until the loop has looked: the count below does not race the job
        return "result"

    async def main() -> None:
        running = asyncio.ensure_future(asyncio.to_thread(job))
        for _ in range(3):
            await asyncio.sleep(0)
        # Checked before the job may finish: a job the clock does not count could let it jump (or
        # report a deadlock) while the job still runs.
        expect_equal("executor jobs the clock counts while a to_thread job runs", 1, loop._executor_jobs)
        gate.set()
        before = loop.time()
        expect_equal("what the to_thread job returned", "result", await running)
        expect_equal("virtual seconds a to_thread job took", 0.0, loop.time() - before)
        expect_equal("executor jobs counted once its result is in", 0, loop._executor_jobs)

    try:
        loop.run_until_complete(main())
    finally:
        gate.set()
        close_quietly(loop)  # shuts the default executor down (its own shutdown thread is a grade's instrumentation's to count)


# -- tasks -----------------------------------------------------------------------------------


@conformance("task-factory", "every way of making a task goes through loop.create_task, which the task recorder instruments")
def task_factory() -> None:
    loop = VirtualClockLoop()
    made: list[str] = []
    loop.on_task_created = lambda task: made.append(task.get_coro().__qualname__.rpartition(".")[2])  # type: ignore[union-attr]

    async def nap() -> None:
        await asyncio.sleep(0)

    async def created() -> None:
        await nap()

    async def ensured() -> None:
        await nap()

    async def gathered() -> None:
        await nap()

    async def grouped() -> None:
        await nap()

    async def eager() -> None:
        await nap()

    async def main() -> None:
        await asyncio.create_task(created())
        await asyncio.ensure_future(ensured())
        await asyncio.gather(gathered(), gathered())
        async with asyncio.TaskGroup() as group:
            group.create_task(grouped())
        if eager_start:
            await asyncio.create_task(eager(), eager_start=True)  # type: ignore[call-arg]

    # Whatever the stock loop's create_task accepts, the virtual clock's must too (3.14: eager_start).
    eager_start = _accepts_eager_start()
    loop.run_until_complete(main())
    loop.close()
    expected = ["main", "created", "ensured", "gathered", "gathered", "grouped"] + (["eager"] if eager_start else [])
    expect_equal("the tasks the recorder saw", expected, made)


def _accepts_eager_start() -> bool:
    """Whether this Python's stock ``asyncio.create_task`` takes ``eager_start`` (3.14 does)."""
    loop = asyncio.SelectorEventLoop()

    async def nothing() -> None:
        pass

    async def main() -> bool:
        coro = nothing()
        try:
            await asyncio.create_task(coro, eager_start=True)  # type: ignore[call-arg]
        except TypeError:
            coro.close()
            return False
        return True

    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


@conformance("task-steps", "a task's steps in the ready queue are recognisable, so explored schedules can pick among tasks")
def task_steps() -> None:
    from .explore import task_of

    loop = VirtualClockLoop()

    async def nap() -> None:
        await asyncio.sleep(0)

    task = loop.create_task(nap())
    loop.call_soon(print)
    seen = [task_of(handle) is task for handle in loop._ready]
    loop.run_until_complete(task)
    loop.close()
    expect_equal("which ready callbacks step the task", [True, False], seen)


# -- audit events ------------------------------------------------------------------------------


# Events whose calls (with None) change nothing: let them happen.
HARMLESS_EVENTS = frozenset({"sys.settrace", "sys.setprofile"})


class _Stopped(Exception):
    """Raised by the audit hook: the audited call stops before it does anything."""


class _AuditProbe:
    """One audit hook for the whole test (hooks cannot be removed): while armed it records
    events and stops the call that raised the one awaited, so nothing is opened, spawned or traced."""

    installed: _AuditProbe | None = None

    def __init__(self) -> None:
        self.awaited: str | None = None
        self.seen: list[str] = []

    @classmethod
    def get(cls) -> _AuditProbe:
        if cls.installed is None:
            cls.installed = cls()
            sys.addaudithook(cls.installed.hook)
        return cls.installed

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if self.awaited is not None and event == self.awaited:
            self.seen.append(event)
            if event in HARMLESS_EVENTS:
                return  # the *allthreads variants print what a hook raises rather than stop
            if event == "sys.addaudithook":
                raise RuntimeError("stopped")  # CPython makes a RuntimeError refuse the hook quietly
            raise _Stopped(event)

    def fires(self, event: str, action: Callable[[], Any]) -> bool:
        self.awaited, self.seen = event, []
        try:
            action()
        except _Stopped:
            pass
        except Exception:
            pass  # the call failed for its own reasons (after the event, or without it: `seen` tells)
        finally:
            self.awaited = None
        return event in self.seen


def _audited_actions() -> list[tuple[str, str, Callable[[], Any]]]:
    """``(event, the call that raises it, an action making that call)`` for each audit event the
    harness listens for (instrument.py, children.py, integrity.py)."""
    import sqlite3
    import subprocess

    def replace_code() -> None:
        def function() -> None: ...

        function.__code__ = (lambda: None).__code__

    def change_class() -> None:
        class A: ...

        class B: ...

        A().__class__ = B  # type: ignore[assignment]  # what the tampering check watches for

    actions: list[tuple[str, str, Callable[[], Any]]] = [
        ("open", "open()", lambda: open(os.devnull)),
        ("socket.connect", "socket.connect()", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(("127.0.0.1", 9))),
        ("socket.getaddrinfo", "socket.getaddrinfo()", lambda: socket.getaddrinfo("127.0.0.1", 9)),
        ("socket.gethostbyname", "socket.gethostbyname()", lambda: socket.gethostbyname("127.0.0.1")),
        # Programs that do not exist: should the event not fire, nothing runs (the call fails after it).
        ("subprocess.Popen", "subprocess.Popen()", lambda: subprocess.Popen([NOWHERE])),
        ("os.system", "os.system()", lambda: os.system("true")),
        ("os.posix_spawn", "os.posix_spawn()", lambda: os.posix_spawn(NOWHERE, [NOWHERE], {})),
        ("os.exec", "os.execv()", lambda: os.execv(NOWHERE, [NOWHERE])),
        ("os.fork", "os.fork()", _fork_and_leave),
        ("os.kill", "os.kill()", lambda: os.kill(os.getpid(), 0)),
        ("builtins.input", "input()", _input_from_nowhere),
        ("sqlite3.connect", "sqlite3.connect()", lambda: sqlite3.connect(":memory:")),
        ("urllib.Request", "urllib.request.urlopen()", _urlopen_loopback),
        ("sys.settrace", "sys.settrace()", lambda: sys.settrace(None)),
        ("sys.setprofile", "sys.setprofile()", lambda: sys.setprofile(None)),
        ("sys.addaudithook", "sys.addaudithook()", lambda: sys.addaudithook(lambda *_: None)),
        ("gc.get_referrers", "gc.get_referrers()", lambda: gc.get_referrers(None)),
        ("gc.get_referents", "gc.get_referents()", lambda: gc.get_referents(None)),
        ("gc.get_objects", "gc.get_objects()", gc.get_objects),
        ("object.__setattr__", "setting a function's __code__", replace_code),
        ("object.__setattr__", "setting an object's __class__", change_class),
    ]
    # Only where this Python has them (3.12+): each must raise an event the harness refuses.
    if hasattr(sys, "_settraceallthreads"):
        actions.append(("sys.settrace", "sys._settraceallthreads()", lambda: sys._settraceallthreads(None)))  # type: ignore[attr-defined]
    if hasattr(sys, "_setprofileallthreads"):
        actions.append(("sys.setprofile", "sys._setprofileallthreads()", lambda: sys._setprofileallthreads(None)))  # type: ignore[attr-defined]
    if hasattr(sys, "monitoring"):
        monitoring: Any = sys.monitoring  # type: ignore[attr-defined]
        actions.append(("sys.monitoring.register_callback", "sys.monitoring.register_callback()",
                        lambda: monitoring.register_callback(monitoring.DEBUGGER_ID, monitoring.events.LINE, None)))
    return actions


NOWHERE = "/nonexistent/asynclings-conformance"


def _fork_and_leave() -> None:
    """``os.fork``, whose audit hook stops it; should it not, the child leaves at once."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def _input_from_nowhere() -> None:
    import io

    saved = sys.stdin
    sys.stdin = io.StringIO("\n")
    try:
        input()
    finally:
        sys.stdin = saved


def _urlopen_loopback() -> None:
    import urllib.request

    urllib.request.urlopen("http://127.0.0.1:9/", timeout=0.1)


@conformance("audit-events", "the audit events the harness watches fire (blocking calls, processes, tampering)")
def audit_events() -> None:
    probe = _AuditProbe.get()
    missing = [f"{event} (from {call})" for event, call, action in _audited_actions() if not probe.fires(event, action)]
    expect_equal("audit events that did not fire", [], missing)


# -- the whole suite ------------------------------------------------------------------------------------


def run_all(tests: list[Test] | None = None) -> dict[str, Any]:
    """Every test's outcome, with this interpreter's identity and whether it is in the tested range."""
    first, last = tested_pythons()
    outcomes = [test.run() for test in (TESTS if tests is None else tests)]
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "tested": f"{first[0]}.{first[1]}-{last[0]}.{last[1]}",
        "in_tested_range": first <= sys.version_info[:2] <= last,
        "passed": all(outcome["passed"] for outcome in outcomes),
        "tests": outcomes,
    }


def main() -> None:
    """``grade.py --conformance``: runs the suite and prints one JSON object on standard output."""
    results = run_all()
    sys.stdout.write(json.dumps(results) + "\n")
    sys.stdout.flush()
    os._exit(0)  # threads and loops the tests left have nothing more to say


if __name__ == "__main__":
    main()
