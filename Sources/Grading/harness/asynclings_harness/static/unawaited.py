"""Rule ``unawaited-coroutine`` (check ``unawaited``): a coroutine created and thrown away.

A call to an ``async def`` of this file (or a method of the class being walked) or to an
asyncio coroutine function, used as a statement (alone, or as the element of a
comprehension used as one), or assigned to a name the function never reads again.
"""

from __future__ import annotations

import ast

from .finding import UNAWAITED_COROUTINE, StaticFinding
from .walker import Walker, assigned_call, thrown_away_call


class Rule:
    """Coroutines whose body never runs."""

    def statement(self, walk: Walker, node: ast.stmt) -> None:
        if isinstance(node, ast.Expr):
            call = thrown_away_call(node.value)
            coroutine = None if call is None else walk.coroutine_called(call)
            if call is not None and coroutine is not None:
                walk.add(UNAWAITED_COROUTINE, call,
                         f"`{coroutine}(...)` only creates a coroutine, and this line throws it away: its body never runs. "
                         "Fix: `await` it, or hand it to `asyncio.gather`/`asyncio.create_task` and await that.")
        elif (assigned := assigned_call(node)) is not None and walk.scope.name is not None:
            # (Module-level names can be read from anywhere.)
            name, value = assigned
            coroutine = walk.coroutine_called(value)
            if coroutine is not None:
                walk.add_unless_read(name, StaticFinding(
                    UNAWAITED_COROUTINE, value.lineno, value.col_offset, walk.scope.name,
                    f"`{name} = {coroutine}(...)` stores a coroutine that is never used again, so it never runs. "
                    f"Fix: `{name} = await {coroutine}(...)`."))

    def call(self, walk: Walker, node: ast.Call, awaited: bool) -> None:
        pass
