"""Instrumented stand-ins for the I/O a lesson simulates.

The grader swaps a learner's simulated I/O function for one of these for the
length of a scenario. They record every call (arguments, virtual start and end,
the task and thread it ran on), how many were in flight at once, and they take
*different* amounts of time per call, so that ordering and concurrency mistakes
cannot hide behind equal delays.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any, Callable

from .tracking import Span

if TYPE_CHECKING:
    from .trial import Trial

Latency = float | Callable[..., float | None]


class FakeCall:
    """One call of a fake: its arguments, when it ran (virtual seconds) and how it ended."""

    __slots__ = ("args", "kwargs", "start", "end", "task", "on_loop_thread", "cancelled", "raised", "result",
                 "task_object", "loop")

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any], start: float, *, task: str = "",
                 on_loop_thread: bool = True, task_object: Any = None, loop: Any = None) -> None:
        self.args = args
        self.kwargs = kwargs
        self.start = start
        self.end: float | None = None
        self.task = task
        self.on_loop_thread = on_loop_thread
        self.cancelled = False
        self.raised: BaseException | None = None
        self.result: Any = None
        self.task_object = task_object  # the asyncio.Task the call ran in
        self.loop = loop  # the event loop the call ran on (async fakes)

    def __repr__(self) -> str:
        return f"FakeCall(args={self.args!r}, start={self.start!r}, end={self.end!r}, cancelled={self.cancelled!r})"

    @property
    def cancel_requested(self) -> bool:
        """Someone called cancel() on the task running this call (it may not have unwound yet)."""
        task = self.task_object
        return bool(task is not None and (task.cancelled() or task.cancelling() > 0))

    @property
    def finished(self) -> bool:
        return self.end is not None and not self.cancelled and self.raised is None


class _Counters:
    """Calls in flight now and at most, safe to update from worker threads."""

    __slots__ = ("in_flight", "peak", "lock")

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self.lock = threading.Lock()

    def enter(self) -> int:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            return self.in_flight

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1


def _latency(spec: Latency | None, args: tuple[Any, ...], kwargs: dict[str, Any]) -> float | None:
    """Seconds a call takes; None when it never finishes (``latency=None``, or a function returning None)."""
    if spec is None:
        return None
    value = spec(*args, **kwargs) if callable(spec) else spec
    return None if value is None else float(value)


def _label(name: str, args: tuple[Any, ...]) -> str:
    shown = ", ".join(repr(a) for a in args[:3])
    return f"{name}({shown}{', …' if len(args) > 3 else ''})"


class _Fake:
    """What every fake shares: its calls, how many ran at once, and their bars on the timeline."""

    def __init__(self, trial: Trial, name: str, result: Any) -> None:
        self.trial = trial
        self.name = name
        self.result = result
        self.calls: list[FakeCall] = []
        self._counters = _Counters()

    @property
    def peak(self) -> int:
        """Most calls in flight at the same moment."""
        return self._counters.peak

    @property
    def in_flight(self) -> int:
        return self._counters.in_flight

    def _begin(self, call: FakeCall) -> Span:
        """Records a call as started (from any thread)."""
        span = Span("io", _label(self.name, call.args), call.start, None, call.task)
        with self._counters.lock:
            self.calls.append(call)
        self.trial.io_span(span)
        self._counters.enter()
        return span

    def _end(self, call: FakeCall, span: Span, now: float) -> None:
        self._counters.leave()
        call.end = span.end = now

    def _answer(self, call: FakeCall) -> Any:
        """The call's result: ``result`` itself, or ``result(*args, **kwargs)``."""
        value = self.result(*call.args, **call.kwargs) if callable(self.result) else self.result
        call.result = value
        return value


class FakeAsync(_Fake):
    """An ``async def`` stand-in: sleeps its latency on the virtual clock, then answers.

    ``latency`` is seconds or a function of the call's arguments; ``None`` (or a
    function returning None for this call) means the call never finishes on its own
    (only cancellation ends it). ``result`` is
    a value or a function of the arguments; ``raises`` a function returning an
    exception to raise (or None).
    """

    def __init__(
        self,
        trial: Trial,
        name: str,
        *,
        latency: Latency | None,
        result: Any = None,
        raises: Callable[..., BaseException | None] | None = None,
    ) -> None:
        super().__init__(trial, name, result)
        self.latency = latency
        self.raises = raises
        self.started = asyncio.Event()

        async def fake(*args: Any, **kwargs: Any) -> Any:
            return await self._call(args, kwargs)

        fake.__name__ = fake.__qualname__ = name
        self.function = fake

    @property
    def finished_calls(self) -> list[FakeCall]:
        return [c for c in self.calls if c.finished]

    def arguments(self) -> list[Any]:
        """The first argument of every call, in call order."""
        return [c.args[0] if c.args else None for c in self.calls]

    def occupancy(self, until: float | None = None) -> list[tuple[float, float, int]]:
        """How many calls were in flight while virtual time passed: ``(from, to, count)`` intervals.

        Built from the calls' start and end times, so a count that dips and recovers
        within one instant (a call ends and the next one starts at the same moment)
        does not show: it is what the program kept in flight between events, which is
        what a concurrency limit is about. Calls still running count until ``until``
        (default: the loop's current time).
        """
        if until is None:
            until = self.trial.loop.time()
        spans = [(c.start, c.end if c.end is not None else until) for c in self.calls]
        moments = sorted({t for span in spans for t in span})
        intervals: list[tuple[float, float, int]] = []
        for begin, end in zip(moments, moments[1:]):
            count = sum(1 for start, stop in spans if start <= begin and stop >= end)
            if intervals and intervals[-1][2] == count and intervals[-1][1] == begin:
                intervals[-1] = (intervals[-1][0], end, count)
            else:
                intervals.append((begin, end, count))
        return intervals

    def shortfall(self, limit: int, total: int | None = None) -> tuple[float, float, int, int] | None:
        """The first stretch of virtual time with fewer calls in flight than the work allowed.

        While ``total`` calls' worth of work is not yet done, ``min(limit, work left)``
        calls should be in flight. Returns ``(from, to, in_flight, allowed)`` for the
        first stretch that falls short, or None when the limit was used all along.
        ``total`` defaults to the number of calls made.
        """
        total = len(self.calls) if total is None else total
        for begin, end, count in self.occupancy():
            done = sum(1 for c in self.calls if c.end is not None and c.end <= begin)
            allowed = min(limit, total - done)
            if count < allowed:
                return (begin, end, count, allowed)
        return None

    async def _call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        call = FakeCall(args, kwargs, start=loop.time(), task=self.trial.task_label(task), task_object=task, loop=loop)
        span = self._begin(call)
        self.started.set()
        try:
            delay = _latency(self.latency, args, kwargs)
            if delay is not None:
                delay = self.trial.vary(delay)  # an explored schedule may vary it (explore.py)
            if delay is None:
                await loop.create_future()  # never resolves: only cancellation ends it
            elif delay > 0:
                await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)
            if self.raises is not None:
                error = self.raises(*args, **kwargs)
                if error is not None:
                    raise error
            return self._answer(call)
        except asyncio.CancelledError:
            call.cancelled = True
            raise
        except BaseException as error:
            call.raised = error
            raise
        finally:
            self._end(call, span, loop.time())


class FakeBlocking(_Fake):
    """A plain (blocking) function stand-in that notices which thread runs it.

    On a worker thread it blocks that thread for ``duration`` of virtual time. On
    the event loop's own thread it stalls the whole loop for that long, and the
    grader records a ``blocking`` failure at the learner's line that called it.
    """

    def __init__(self, trial: Trial, name: str, *, duration: Latency, result: Any = None) -> None:
        super().__init__(trial, name, result)
        self.duration = duration

        def fake(*args: Any, **kwargs: Any) -> Any:
            return self._call(args, kwargs)

        fake.__name__ = fake.__qualname__ = name
        self.function = fake

    @property
    def on_loop_thread(self) -> list[FakeCall]:
        return [c for c in self.calls if c.on_loop_thread]

    def _call(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        loop = self.trial.loop
        on_loop = threading.get_ident() == loop.thread_ident
        # On the loop thread, the call belongs to the task that made it (its row on the timeline).
        runner = self.trial.task_label(asyncio.current_task(loop)) if on_loop else threading.current_thread().name
        call = FakeCall(args, kwargs, start=loop.time(), task=runner, on_loop_thread=on_loop)
        span = self._begin(call)
        try:
            seconds = _latency(self.duration, args, kwargs) or 0.0
            if on_loop:
                self.trial.session.blocking_call(
                    f"{self.name}() is a blocking function and ran on the event loop thread", seconds)
                loop.advance(seconds)
            else:
                loop.thread_sleep(seconds)
            return self._answer(call)
        finally:
            self._end(call, span, loop.time())
