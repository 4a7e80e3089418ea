"""Real signals at virtual times, and SIGINT the way ``asyncio.Runner`` handles it.

A graceful-shutdown lesson needs the graded program to receive SIGTERM or SIGINT
at a chosen moment. ``Trial.signal_at(when, signum)`` arms a :class:`SignalDelivery`
on the first event loop the learner's code starts in the scenario (its own
``asyncio.run`` or ``asyncio.Runner``); at virtual time ``when`` of that loop a
timer of the grader's sends the real signal to this process with ``os.kill``, so
whatever the program installed (``loop.add_signal_handler``, ``asyncio.Runner``'s
SIGINT handler, ``signal.signal``) runs exactly as in production.

A signal whose disposition at that moment would end the process (SIGTERM, SIGHUP,
SIGUSR1/2 left at their default action, SIGINT left to Python's default
``KeyboardInterrupt``, and SIGKILL always) is not sent: the grade must survive to
report. The delivery is marked ``killed`` and the loop is stopped there, as the
process would have stopped; the program's ``run_until_complete`` then raises
``RuntimeError`` and the lesson reports the kill from ``delivery.killed``.

:func:`interrupt_cancels` is ``asyncio.Runner``'s SIGINT handling, for the harness's
own stand-ins of ``asyncio.run`` and ``asyncio.Runner.run``: the first SIGINT
cancels the main task, a second one raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

# Signals a lesson may deliver, and those whose default action ends the process.
TERMINATING = frozenset({signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2})
DELIVERABLE = TERMINATING | {signal.SIGINT, signal.SIGKILL}


class SignalDelivery:
    """One signal the grader sends at a virtual time, and what became of it."""

    def __init__(self, signum: int, when: float) -> None:
        if signum not in DELIVERABLE:
            names = ", ".join(sorted(signal.Signals(s).name for s in DELIVERABLE))
            raise ValueError(f"signal_at delivers only {names} (the harness itself uses SIGALRM)")
        self.signum = signum
        self.when = when
        self.sent_at: float | None = None  # virtual time of delivery (None: the program ended before it)
        self.killed = False  # the process would have ended here; the loop was stopped instead

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    def __repr__(self) -> str:
        return f"SignalDelivery({self.name}, when={self.when!r}, sent_at={self.sent_at!r}, killed={self.killed!r})"

    def arm(self, loop: asyncio.AbstractEventLoop) -> None:
        """Schedules the delivery on ``loop`` (a grader timer: never the learner's task)."""
        loop.call_at(self.when, self._deliver, loop)

    def _deliver(self, loop: asyncio.AbstractEventLoop) -> None:
        self.sent_at = loop.time()
        if self.signum == signal.SIGKILL or is_default(self.signum):
            self.killed = True
            loop.stop()
            return
        os.kill(os.getpid(), self.signum)  # handlers run before kill returns (this is the main thread)


def is_default(signum: int) -> bool:
    """Whether ``signum`` currently has the disposition that ends a Python process."""
    handler = signal.getsignal(signum)
    if signum == signal.SIGINT:
        return handler is signal.default_int_handler or handler == signal.SIG_DFL
    return signum in TERMINATING and handler == signal.SIG_DFL


class SavedDispositions:
    """Signal handlers as they were before a scenario, put back after it."""

    def __init__(self) -> None:
        self._saved: dict[int, Any] = {}

    def save(self, signum: int) -> None:
        if signum != signal.SIGKILL and signum not in self._saved:
            self._saved[signum] = signal.getsignal(signum)

    def restore(self) -> None:
        for signum, handler in self._saved.items():
            if signal.getsignal(signum) is not handler:
                signal.signal(signum, handler)
        self._saved.clear()


class Interrupted:
    """How many SIGINTs reached a run under :func:`interrupt_cancels`."""

    count = 0


@contextmanager
def interrupt_cancels(task: asyncio.Task[Any], loop: asyncio.AbstractEventLoop) -> Iterator[Interrupted]:
    """While the block runs, SIGINT cancels ``task`` as ``asyncio.Runner.run`` arranges (3.11-3.13).

    Installed only from the main thread, and only over Python's default SIGINT handler;
    put back afterwards unless the program replaced it meanwhile.
    """
    state = Interrupted()
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield state
        return

    def on_sigint(signum: int, frame: Any) -> None:
        state.count += 1
        if state.count == 1 and not task.done():
            task.cancel()
            loop.call_soon_threadsafe(lambda: None)  # wake a loop blocked in select()
            return
        raise KeyboardInterrupt()

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield state
    finally:
        if signal.getsignal(signal.SIGINT) is on_sigint:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def cancelled_by_interrupt(task: asyncio.Task[Any], state: Interrupted) -> bool:
    """After the task ended cancelled: should the run raise KeyboardInterrupt (as ``asyncio.Runner`` does)?"""
    return state.count > 0 and task.uncancel() == 0
