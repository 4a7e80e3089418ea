"""Check ids and the one JSON report a grade produces.

The ids are a contract shared with the Swift side, the course files and other
tools (see DESIGN.md): never rename one.
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
    """The verdict of one check: status, the message shown, how many times it failed."""

    __slots__ = ("id", "status", "message", "failures")

    def __init__(self, id: str, status: str = SKIP, message: str = "", failures: int = 0) -> None:
        self.id = id
        self.status = status
        self.message = message
        self.failures = failures

    def copy(self) -> CheckResult:
        return CheckResult(self.id, self.status, self.message, self.failures)

    def __repr__(self) -> str:
        return f"CheckResult({self.id!r}, {self.status!r}, {self.message!r})"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "message": self.message}


class Results:
    """Per-check verdicts, in report order. The first failure of a check is the one shown."""

    def __init__(self, order: list[str]) -> None:
        self.order = order
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
        if result.status in (SKIP,):
            result.status = PASS
        if result.status == PASS and message:
            result.message = message

    def failed(self, check_id: str, message: str) -> None:
        result = self._get(check_id)
        result.failures += 1
        if result.status in (FAIL, ERROR):
            return
        result.status = FAIL
        result.message = message

    def errored(self, check_id: str, message: str) -> None:
        result = self._get(check_id)
        if result.status != ERROR:
            result.status = ERROR
            result.message = message

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
