"""A static pass over the learner's file: the lines behind the mistakes the grader sees at run time.

The dynamic checks say *that* something went wrong (the loop stalled, a coroutine
was never awaited, a cancellation vanished); this pass reads the syntax tree and
says *where*. One walk over the tree (``walker.py``) hands each statement and call
to four rules, one module each, every rule tied to the check whose failure it explains:

====================== ================ =====================================================
rule                   check            finds
====================== ================ =====================================================
blocking-call          blocking         a blocking call (``time.sleep``, ``open``, ``input``,
(``blocking.py``)                       ``subprocess.run``, ``requests.get``, ...) made
                                        directly in an ``async def``, or a call to a plain
                                        function of this file that makes one
unawaited-coroutine    unawaited        a coroutine created and thrown away: a call to an
(``unawaited.py``)                      ``async def`` (or an asyncio coroutine) used as a
                                        statement, or assigned to a name never used again
dangling-task          leaked-tasks     ``asyncio.create_task``/``ensure_future``/``gather``
(``dangling.py``)                       whose result is thrown away the same ways
swallowed-cancellation cancellation     an ``except`` around an ``await`` that catches
(``cancellation.py``)                   ``CancelledError`` (bare, ``BaseException``,
                                        ``CancelledError``) and does not re-raise it on every
                                        path; ``contextlib.suppress`` of it; a ``return``,
                                        ``break`` or ``continue`` in a ``finally`` around an
                                        ``await``
====================== ================ =====================================================

flake8-async covers the blocking, dangling-task and cancellation rules (ASYNC2xx,
ASYNC300, ASYNC103/104) but not a missing ``await`` on asyncio, and importing it
costs about a second, against well under a millisecond for this pass on an
exercise-sized file: the grade loop keeps this one (numbers in
``scripts/bench_lessons_06_10.py``). The pass only reads the tree, never imports
or runs anything, and its findings never fail a grade on their own: see
``Session.apply_static_findings``.
"""

from __future__ import annotations

from .finding import (
    BLOCKING_CALL,
    DANGLING_TASK,
    RULE_CHECKS,
    SWALLOWED_CANCELLATION,
    UNAWAITED_COROUTINE,
    StaticFinding,
)
from .walker import analyse

__all__ = [
    "BLOCKING_CALL",
    "DANGLING_TASK",
    "RULE_CHECKS",
    "SWALLOWED_CANCELLATION",
    "UNAWAITED_COROUTINE",
    "StaticFinding",
    "analyse",
]
