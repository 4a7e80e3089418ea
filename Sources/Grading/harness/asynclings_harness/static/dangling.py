"""Rule ``dangling-task`` (check ``leaked-tasks``): background work whose only handle is thrown away.

``asyncio.create_task``, ``ensure_future``, ``gather`` or ``loop.create_task`` (never a
TaskGroup's, whose group awaits its tasks), thrown away the same ways as an unawaited
coroutine: a call that is also a coroutine call is that rule's, not this one's.
"""

from __future__ import annotations

import ast

from .finding import DANGLING_TASK, StaticFinding
from .walker import Walker, assigned_call, thrown_away_call


class Rule:
    """Tasks nobody waits for."""

    def statement(self, walk: Walker, node: ast.stmt) -> None:
        if isinstance(node, ast.Expr):
            call = thrown_away_call(node.value)
            if call is None or walk.coroutine_called(call) is not None:
                return
            starter = walk.task_started(call)
            if starter is not None:
                walk.add(DANGLING_TASK, call,
                         f"the result of `{starter}(...)` is thrown away: nothing waits for that work to finish or sees "
                         "its errors, and a task nobody references can even be garbage-collected mid-flight. "
                         "Fix: keep it (`task = ...`) and await it before returning.")
        elif (assigned := assigned_call(node)) is not None and walk.scope.name is not None:
            # (Module-level names can be read from anywhere; a coroutine call is the other rule's.)
            name, value = assigned
            if walk.coroutine_called(value) is not None:
                return
            starter = walk.task_started(value)
            if starter is not None:
                walk.add_unless_read(name, StaticFinding(
                    DANGLING_TASK, value.lineno, value.col_offset, walk.scope.name,
                    f"`{name} = {starter}(...)` is never used again: nothing awaits that work before the function "
                    f"returns. Fix: `await {name}` (or gather it) before returning."))

    def call(self, walk: Walker, node: ast.Call, awaited: bool) -> None:
        pass
