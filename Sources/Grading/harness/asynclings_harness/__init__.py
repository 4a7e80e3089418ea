"""asynclings' grading harness: runs a learner's asyncio code on a virtual clock and judges it.

Lesson check scripts use :func:`scenario` and :class:`Trial`; see ``trial.py``.
"""

from .fakes import FakeAsync, FakeBlocking, FakeCall
from .report import ALL_CHECKS
from .signals import SignalDelivery
from .trial import Abort, ClockWatch, Heartbeat, Trial, scenario

__all__ = ["ALL_CHECKS", "Abort", "ClockWatch", "FakeAsync", "FakeBlocking", "FakeCall", "Heartbeat", "SignalDelivery",
           "Trial", "scenario"]
