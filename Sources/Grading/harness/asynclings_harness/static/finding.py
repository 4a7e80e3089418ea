"""What the static pass reports: the rule ids, the check each explains, and one finding."""

from __future__ import annotations

BLOCKING_CALL = "blocking-call"
UNAWAITED_COROUTINE = "unawaited-coroutine"
DANGLING_TASK = "dangling-task"
SWALLOWED_CANCELLATION = "swallowed-cancellation"

# The dynamic check each rule explains (ids from report.py).
RULE_CHECKS = {
    BLOCKING_CALL: "blocking",
    UNAWAITED_COROUTINE: "unawaited",
    DANGLING_TASK: "leaked-tasks",
    SWALLOWED_CANCELLATION: "cancellation",
}


class StaticFinding:
    """One suspicious line. ``message`` says what is wrong and why, then `` Fix: `` and the fix;
    the location is not part of it."""

    __slots__ = ("rule", "line", "column", "function", "message")

    def __init__(self, rule: str, line: int, column: int, function: str | None, message: str) -> None:
        self.rule = rule
        self.line = line
        self.column = column
        self.function = function
        self.message = message

    def _key(self) -> tuple[str, int, int, str | None, str]:
        return (self.rule, self.line, self.column, self.function, self.message)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StaticFinding) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"StaticFinding({self.rule!r}, line={self.line}, function={self.function!r})"

    @property
    def check_id(self) -> str:
        return RULE_CHECKS[self.rule]

    @property
    def explanation(self) -> str:
        """The message without its fix (for a failing check whose message has a fix already)."""
        return self.message.split(" Fix: ", 1)[0]
