"""Rule ``swallowed-cancellation`` (check ``cancellation``): a cancellation caught and lost.

Around an ``await`` in an ``async def``: an ``except`` that catches ``CancelledError``
(bare, ``BaseException``, ``CancelledError``) and does not re-raise it on every path;
``contextlib.suppress`` of it; a ``return``, ``break`` or ``continue`` in a ``finally``.
Collecting a task the function cancelled itself (``task.cancel()``, then ``await task``
alone in the ``try``) is left alone: there the CancelledError is the expected answer.
"""

from __future__ import annotations

import ast

from .finding import SWALLOWED_CANCELLATION
from .walker import FUNCTIONS, Walker, attribute_chain, awaits, calls_in

CANCELLATION_CATCHERS = frozenset({
    "BaseException", "asyncio.CancelledError", "asyncio.exceptions.CancelledError", "CancelledError",
})
SUPPRESSORS = frozenset({"contextlib.suppress"})

_TRY_NODES: tuple[type[ast.AST], ...] = (ast.Try, getattr(ast, "TryStar", ast.Try))


class Rule:
    """Handlers, suppressors and ``finally`` blocks that lose a cancellation."""

    def statement(self, walk: Walker, node: ast.stmt) -> None:
        if isinstance(node, _TRY_NODES):
            self._try(walk, node)  # type: ignore[arg-type]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self._suppress(walk, node)

    def call(self, walk: Walker, node: ast.Call, awaited: bool) -> None:
        pass

    def _try(self, walk: Walker, node: ast.Try) -> None:
        if not walk.scope.is_async or not awaits(node.body):
            return
        for statement in node.finalbody:
            escape = _escape_in(statement)
            if escape is not None:
                walk.add(SWALLOWED_CANCELLATION, escape,
                         f"a `{type(escape).__name__.lower()}` inside `finally` throws away the exception in flight, "
                         "including a cancellation (CancelledError). Fix: move it out of the `finally` block.")
                break
        if _awaits_cancelled_task(walk, node.body):
            return
        for handler in node.handlers:
            if not _catches_cancellation(walk, handler.type):
                continue
            outcome = _reraises(handler.body, handler.name)
            if outcome == _RERAISED:
                return  # CancelledError leaves here; later handlers never see it
            if any(isinstance(call.func, ast.Attribute) and call.func.attr == "uncancel" for call in calls_in(handler.body)):
                return  # `task.uncancel()`: the task takes the cancellation as a request and carries on, deliberately
            if handler.type is None:
                caught = "this bare `except:` catches everything, the task's cancellation (CancelledError) included,"
            elif _names_cancelled_error(walk, handler.type):
                caught = "this handler catches the task's cancellation"
            else:
                caught = (f"this handler catches every `{ast.unparse(handler.type)}`, "
                          "the task's cancellation (CancelledError) included,")
            if outcome == _OTHER_RAISE:
                walk.add(SWALLOWED_CANCELLATION, handler,
                         f"{caught} and raises a different exception instead, so the task no longer ends cancelled. "
                         "Fix: re-raise the CancelledError itself with a bare `raise`.")
            else:
                walk.add(SWALLOWED_CANCELLATION, handler,
                         f"{caught} and does not re-raise it on every path: the cancel is lost and the task carries on "
                         "as if nothing happened. Fix: do the cleanup, then `raise` (or put the cleanup in a `finally:` block).")
            return

    def _suppress(self, walk: Walker, node: ast.With | ast.AsyncWith) -> None:
        if not walk.scope.is_async or not awaits(node.body) or _awaits_cancelled_task(walk, node.body):
            return
        for item in node.items:
            call = item.context_expr
            if (isinstance(call, ast.Call) and walk.qualified(call.func) in SUPPRESSORS
                    and any(_catches_cancellation(walk, arg) for arg in call.args)):
                walk.add(SWALLOWED_CANCELLATION, call,
                         "`contextlib.suppress` here swallows the task's cancellation (CancelledError): the cancel is lost. "
                         "Fix: suppress only the exceptions you expect, never CancelledError or BaseException.")


def _awaits_cancelled_task(walk: Walker, body: list[ast.stmt]) -> bool:
    """``task.cancel()`` then ``try: await task / except CancelledError: pass``: collecting a task
    we cancelled ourselves, where the CancelledError is the expected answer, not our own cancel."""
    if len(body) != 1 or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Await):
        return False
    awaited = attribute_chain(body[0].value.value)
    return awaited is not None and ".".join(awaited) in walk.scope.cancelled


def _names_cancelled_error(walk: Walker, kind: ast.expr) -> bool:
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any((walk.qualified(each) or "").endswith("CancelledError") for each in kinds)


def _catches_cancellation(walk: Walker, kind: ast.expr | None) -> bool:
    if kind is None:
        return True
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    for each in kinds:
        name = walk.qualified(each)
        if name in CANCELLATION_CATCHERS or name == "builtins.BaseException":
            return True
    return False


_RERAISED, _OTHER_RAISE, _FALLS_THROUGH = "reraised", "other", "falls-through"


def _reraises(body: list[ast.stmt], bound: str | None) -> str:
    """How a handler body ends: re-raising what it caught on every path, raising something else, or not."""
    for statement in body:
        if isinstance(statement, ast.Raise):
            if statement.exc is None or (isinstance(statement.exc, ast.Name) and statement.exc.id == bound):
                return _RERAISED
            return _OTHER_RAISE
        if isinstance(statement, (ast.Return, ast.Break, ast.Continue)):
            return _FALLS_THROUGH
        if isinstance(statement, ast.If):
            branches = {_reraises(statement.body, bound), _reraises(statement.orelse, bound)}
            if branches == {_RERAISED}:
                return _RERAISED
            if branches == {_OTHER_RAISE} or branches == {_RERAISED, _OTHER_RAISE}:
                return _OTHER_RAISE
            if _escapes(statement):
                return _FALLS_THROUGH
            continue
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            inner = _reraises(statement.body, bound)
            if inner != _FALLS_THROUGH or _escapes(statement):
                return inner
            continue
        if _escapes(statement):
            return _FALLS_THROUGH  # a loop or nested try that may return before the raise
    return _FALLS_THROUGH


def _escapes(node: ast.AST) -> bool:
    """Whether a ``return`` inside ``node`` can leave the handler early."""
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, FUNCTIONS):
            continue
        if isinstance(current, ast.Return):
            return True
        stack.extend(ast.iter_child_nodes(current))
    return False


def _escape_in(statement: ast.stmt) -> ast.stmt | None:
    """A ``return`` (or a ``break``/``continue`` not inside a loop of its own) in a finally block."""
    stack: list[tuple[ast.AST, bool]] = [(statement, False)]
    while stack:
        node, in_loop = stack.pop()
        if isinstance(node, FUNCTIONS):
            continue
        if isinstance(node, ast.Return) or (isinstance(node, (ast.Break, ast.Continue)) and not in_loop):
            return node  # type: ignore[return-value]
        inner_loop = in_loop or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        stack.extend((child, inner_loop) for child in ast.iter_child_nodes(node))
    return None
