"""Check ids and the one JSON report a grade produces.

The ids are a contract shared with the Swift side, the course files and other
tools (see docs/DESIGN.md): never rename one.
"""

from __future__ import annotations

import json
import os
from typing import Any

COMPILE = "compile"
RUN = "run"
TIME_LIMIT = "time-limit"
DEADLOCK = "deadlock"
TAMPERING = "tampering"
BEHAVIOUR = "behaviour"
CONCURRENCY = "concurrency"
BOUNDED = "bounded"
BLOCKING = "blocking"
UNAWAITED = "unawaited"
LEAKED_TASKS = "leaked-tasks"
UNRETRIEVED = "unretrieved-exception"
CANCELLATION = "cancellation"
RACE = "race"
TESTS_CATCH_MUTANTS = "tests-catch-mutants"

ALL_CHECKS = (
    COMPILE, RUN, TIME_LIMIT, DEADLOCK, TAMPERING, BEHAVIOUR, CONCURRENCY, BOUNDED, BLOCKING,
    UNAWAITED, LEAKED_TASKS, UNRETRIEVED, CANCELLATION, RACE, TESTS_CATCH_MUTANTS,
)
# Checks every lesson reports, around the lesson's own ones.
LEADING_CHECKS = (COMPILE, RUN, TIME_LIMIT, DEADLOCK, TAMPERING)
TRAILING_CHECKS = (BLOCKING, UNAWAITED, LEAKED_TASKS, UNRETRIEVED)

PASS, FAIL, SKIP, ERROR = "pass", "fail", "skip", "error"

# What a passing check says when the lesson gives no more specific words.
PASS_MESSAGES = {
    COMPILE: "the file compiles",
    RUN: "imported and ran without an unexpected exception",
    TIME_LIMIT: "finished within the time limit",
    DEADLOCK: "no task was left waiting forever",
    TAMPERING: "left the grader's modules, stand-ins, builtins and clock alone",
    BEHAVIOUR: "returned the right results at the right times",
    CONCURRENCY: "the work overlapped",
    BOUNDED: "stayed within the concurrency limit, and used it",
    BLOCKING: "nothing blocked the event loop",
    UNAWAITED: "every coroutine was awaited",
    LEAKED_TASKS: "no task was left running",
    UNRETRIEVED: "every task's exception was retrieved",
    CANCELLATION: "cancellation propagated and cleanup ran",
    RACE: "no schedule broke the invariant",
    TESTS_CATCH_MUTANTS: "your tests caught every broken implementation",
}


class CheckResult:
    """The verdict of one check: status, the message shown, how many times it failed.

    A failure that only follows from another check's failure (``follows``) is kept
    apart: if that other check fails, this one is a ``skip`` that says so (one bug,
    one failing check); if it does not, the failure stands on its own.
    """

    __slots__ = ("id", "status", "message", "failures", "follows", "follows_message", "follows_brief")

    def __init__(self, id: str, status: str = SKIP, message: str = "", failures: int = 0) -> None:
        self.id = id
        self.status = status
        self.message = message
        self.failures = failures
        self.follows: str | None = None  # the check the first secondary failure follows from
        self.follows_message = ""  # its message, should it stand on its own
        self.follows_brief = ""  # its message, shown beside the failure it follows from

    def copy(self) -> CheckResult:
        result = CheckResult(self.id, self.status, self.message, self.failures)
        result.follows, result.follows_message, result.follows_brief = self.follows, self.follows_message, self.follows_brief
        return result

    def __repr__(self) -> str:
        return f"CheckResult({self.id!r}, {self.status!r}, {self.message!r})"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "message": self.message}


class Results:
    """Per-check verdicts, in report order. The first failure of a check is the one shown."""

    def __init__(self, order: list[str]) -> None:
        self.order = order
        self.roots: dict[str, str | None] = {}  # secondary failures, settled by resolve()
        self.checks: dict[str, CheckResult] = {}
        for check_id in self.order:
            self.checks[check_id] = CheckResult(check_id)

    def _get(self, check_id: str) -> CheckResult:
        if check_id not in self.checks:
            if check_id not in ALL_CHECKS:
                raise ValueError(f"unknown check id {check_id!r}")
            self.order.append(check_id)
            self.checks[check_id] = CheckResult(check_id)
        return self.checks[check_id]

    def passed(self, check_id: str, message: str | None = None) -> None:
        result = self._get(check_id)
        if result.status == SKIP and result.follows is None:  # a consequence of another failure stays one
            result.status = PASS
        if result.status == PASS and message:
            result.message = message

    def failed(self, check_id: str, message: str, *, follows: str | None = None, brief: str | None = None) -> None:
        """Records a failure; with ``follows``, one that only follows from that check failing (see
        :meth:`resolve`), shown as ``brief`` (default: ``message``) beside it."""
        result = self._get(check_id)
        result.failures += 1
        if follows is not None and follows != check_id:
            if result.follows is None:
                # Shown on one line beside the failure it follows from: its first line, unless told otherwise.
                result.follows, result.follows_message, result.follows_brief = follows, message, brief or message.split("\n", 1)[0]
            return
        if result.status in (FAIL, ERROR):
            return
        result.status = FAIL
        result.message = message

    def errored(self, check_id: str, message: str) -> None:
        result = self._get(check_id)
        if result.status != ERROR:
            result.status = ERROR
            result.message = message

    def resolve(self) -> None:
        """Decides the secondary failures: a ``skip`` naming the root check when what they
        follow from failed (directly or through another secondary failure), a failure
        of their own otherwise."""
        roots = self.roots

        def settle(check_id: str, visiting: frozenset[str]) -> str | None:
            """The failing check at the root of ``check_id``'s failure (None: it is a root itself, or passed)."""
            if check_id in roots:
                return roots[check_id]
            result = self.checks[check_id]
            if result.follows is None or result.status in (FAIL, ERROR):
                return None
            target = self.checks.get(result.follows)
            root: str | None = None
            if target is not None and target.id not in visiting:
                below = settle(target.id, visiting | {check_id})
                root = below if below is not None else (target.id if target.status in (FAIL, ERROR) else None)
            roots[check_id] = root
            if root is None:
                result.status, result.message = FAIL, result.follows_message
            else:
                result.status = SKIP
                result.message = f"follows from the `{root}` failure (fix that first): {result.follows_brief}"
            return root

        for check_id in list(self.checks):
            settle(check_id, frozenset())

    def culprit(self, check_id: str) -> str:
        """The check to look at for ``check_id``'s failure: itself, or the root it follows from."""
        return self.roots.get(check_id) or check_id

    def failing(self, check_id: str) -> bool:
        """Whether ``check_id`` failed, on its own or as the consequence of another failure."""
        result = self.checks.get(check_id)
        return result is not None and (result.status in (FAIL, ERROR) or (result.follows is not None and result.status == SKIP))

    def skip_unset(self, reason: str) -> None:
        for result in self.checks.values():
            if result.status == SKIP and not result.message:
                result.message = reason

    def status(self) -> str:
        statuses = [c.status for c in self.checks.values()]
        if ERROR in statuses:
            return ERROR
        if FAIL in statuses:
            return FAIL
        return PASS

    def finish(self) -> None:
        for result in self.checks.values():
            if result.status == PASS and not result.message:
                result.message = PASS_MESSAGES.get(result.id, "passed")

    def as_json(self) -> list[dict[str, Any]]:
        return [self.checks[i].as_json() for i in self.order]


# A sealed report is framed: ``ASYNCLINGS-REPORT <key> <length>\n<json>``. The Swift side
# (GradeReport+Seal.swift) takes the frame with its key as the grader's, and anything else on
# the descriptor as written by someone else.
FRAME_TAG = b"ASYNCLINGS-REPORT"


def write_report(fd: int, report: dict[str, Any], key: bytes | None = None) -> None:
    """Writes the report as one JSON object (framed with ``key`` when there is one) and
    closes the channel."""
    data = json.dumps(report, ensure_ascii=False, default=str).encode("utf-8", "replace")
    if key is not None:
        data = b"%s %s %d\n" % (FRAME_TAG, key, len(data)) + data
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.close(fd)
