"""The one walk over a module's tree that every rule of the static pass rides on.

The walker keeps what the rules share: the file's imports (so ``sleep`` can mean
``time.sleep``), which functions of the file are coroutines, the stack of functions it
is inside, the names each function reads, and the findings. Each rule module gives it
a :class:`Rule` and sees every statement and every call once, in source order.
"""

from __future__ import annotations

import ast
from typing import Iterable, Iterator, Protocol

from .finding import StaticFinding

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
AWAIT_POINTS = (ast.Await, ast.AsyncFor, ast.AsyncWith)

# asyncio functions that return a coroutine (calling them does nothing until awaited).
ASYNCIO_COROUTINES = frozenset({
    "asyncio.sleep", "asyncio.wait_for", "asyncio.wait", "asyncio.to_thread",
    "asyncio.open_connection", "asyncio.start_server", "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell", "asyncio.open_unix_connection", "asyncio.start_unix_server",
})
# asyncio functions that start work in the background and hand back the only handle on it.
TASK_STARTERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.gather"})


class Rule(Protocol):
    """One rule of the pass: looks at what the walker shows it and reports through it."""

    def statement(self, walk: Walker, node: ast.stmt) -> None:
        """Called for every statement outside class and function headers, before its children."""

    def call(self, walk: Walker, node: ast.Call, awaited: bool) -> None:
        """Called for every call in an expression; ``awaited`` when it is the operand of ``await``."""


def analyse(source: str | bytes, filename: str = "<exercise>") -> list[StaticFinding]:
    """Every finding in ``source``, in line order. Source that does not parse has none."""
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return []
    from . import blocking, cancellation, dangling, unawaited  # the rules import this module

    rules: list[Rule] = [unawaited.Rule(), dangling.Rule(), cancellation.Rule(), blocking.Rule(tree)]
    return Walker(tree, rules).run()


# -- names -----------------------------------------------------------------------


def imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> what it refers to: ``sleep`` -> ``time.sleep``, ``aio`` -> ``asyncio``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def attribute_chain(node: ast.AST) -> list[str] | None:
    """``a.b.c`` -> ``["a", "b", "c"]``; None for anything that is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def thrown_away_call(value: ast.expr) -> ast.Call | None:
    """The call whose result an expression statement throws away: the call itself, or the
    element of a list, set or generator comprehension."""
    if isinstance(value, ast.Call):
        return value
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and isinstance(value.elt, ast.Call):
        return value.elt
    return None


def assigned_call(node: ast.stmt) -> tuple[str, ast.Call] | None:
    """``name = call(...)`` (one plain name, one call): the name and the call."""
    if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)):
        return node.targets[0].id, node.value
    return None


def calls_in(body: Iterable[ast.stmt]) -> Iterator[ast.Call]:
    """Calls made by these statements themselves (not by functions defined inside them)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, FUNCTIONS):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def awaits(body: Iterable[ast.stmt]) -> bool:
    """Whether these statements can suspend (so a cancellation can arrive inside them)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, FUNCTIONS):
            continue
        if isinstance(node, AWAIT_POINTS):
            return True
        stack.extend(ast.iter_child_nodes(node))
    return False


# -- the walk ----------------------------------------------------------------------


class Scope:
    """One function (or the module) being walked."""

    __slots__ = ("name", "is_async", "class_coroutines", "cancelled", "loaded", "unused_candidates")

    def __init__(self, name: str | None, is_async: bool, class_coroutines: frozenset[str] = frozenset(),
                 cancelled: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.is_async = is_async
        self.class_coroutines = class_coroutines
        self.cancelled = cancelled  # names this function calls .cancel() on
        self.loaded: set[str] = set()  # every name read in the function (nested ones included)
        # name -> the finding to report if that name is never read in the function
        self.unused_candidates: dict[str, StaticFinding] = {}


class Walker:
    """One walk over a module's tree, keeping a stack of the functions it is inside."""

    def __init__(self, tree: ast.Module, rules: list[Rule]) -> None:
        self.tree = tree
        self.rules = rules
        self.imports = imports(tree)
        self.coroutines = {n.name for n in tree.body if isinstance(n, ast.AsyncFunctionDef)}
        self.shadowed = {name for name in self._module_assignments() if name not in self.coroutines}
        self.findings: list[StaticFinding] = []
        self.scopes: list[Scope] = []

    def run(self) -> list[StaticFinding]:
        self.scopes.append(Scope(None, False))
        self._statements(self.tree.body)
        self._close_scope()
        unique = {(f.rule, f.line, f.column): f for f in self.findings}
        return sorted(unique.values(), key=lambda f: (f.line, f.column, f.rule))

    @property
    def scope(self) -> Scope:
        """The innermost function being walked (the module's scope at the top level)."""
        return self.scopes[-1]

    # -- reporting ----------------------------------------------------------------

    def add(self, rule: str, node: ast.AST, message: str) -> None:
        """A finding at ``node``, in the current function."""
        self.findings.append(StaticFinding(rule, getattr(node, "lineno", 0), getattr(node, "col_offset", 0),
                                           self.scope.name, message))

    def add_unless_read(self, name: str, finding: StaticFinding) -> None:
        """``finding`` counts only if the current function never reads ``name`` (decided when it ends)."""
        self.scope.unused_candidates.setdefault(name, finding)

    # -- resolution -------------------------------------------------------------

    def qualified(self, node: ast.AST) -> str | None:
        """The dotted name a call or exception refers to, through the file's imports."""
        parts = attribute_chain(node)
        if parts is None:
            return None
        head = self.imports.get(parts[0])
        if head is None:
            if parts[0] in self.shadowed:
                return None
            head = parts[0]
        return ".".join([head, *parts[1:]])

    def _module_assignments(self) -> set[str]:
        """Names the module binds itself: a `def open(...)` of its own is not the builtin."""
        names: set[str] = set()
        for node in self.tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
        return names

    def coroutine_called(self, call: ast.Call) -> str | None:
        """The name of the coroutine function ``call`` calls, when we know it is one."""
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.coroutines:
            return func.id
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id in ("self", "cls") and self.scopes
                and func.attr in self.scope.class_coroutines):
            return f"{func.value.id}.{func.attr}"
        name = self.qualified(func)
        if name in ASYNCIO_COROUTINES:
            return name
        return None

    def task_started(self, call: ast.Call) -> str | None:
        """The name of what ``call`` starts in the background, when it is an asyncio task starter."""
        name = self.qualified(call.func)
        if name in TASK_STARTERS:
            return name
        # loop.create_task(...) on a loop; a TaskGroup's create_task is fine (the group awaits its tasks).
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "create_task":
            receiver = func.value
            if isinstance(receiver, ast.Call):
                receiver = receiver.func  # asyncio.get_running_loop().create_task(...)
            parts = attribute_chain(receiver)
            if parts is not None and "loop" in parts[-1].lower():
                return f"{'.'.join(parts)}{'()' if receiver is not func.value else ''}.create_task"
        return None

    # -- walking ---------------------------------------------------------------------

    def _statements(self, body: Iterable[ast.stmt]) -> None:
        for statement in body:
            self._statement(statement)

    def _statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.ClassDef):
            coroutines = frozenset(n.name for n in node.body if isinstance(n, ast.AsyncFunctionDef))
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self._function(member, coroutines)
                else:
                    self._statement(member)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if expression is not None:
                    self._expression(expression)
            self._function(node, self.scope.class_coroutines)
            return
        for rule in self.rules:
            rule.statement(self, node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self._statement(child)
            elif isinstance(child, ast.expr):
                self._expression(child)
            elif isinstance(child, (ast.excepthandler, ast.withitem, ast.match_case)):
                for grandchild in ast.iter_child_nodes(child):  # (match patterns bind names; nothing to see)
                    if isinstance(grandchild, ast.stmt):
                        self._statement(grandchild)
                    elif isinstance(grandchild, ast.expr):
                        self._expression(grandchild)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, class_coroutines: frozenset[str]) -> None:
        cancelled = frozenset(
            ".".join(parts) for call in calls_in(node.body)
            if isinstance(call.func, ast.Attribute) and call.func.attr == "cancel"
            and (parts := attribute_chain(call.func.value)) is not None)
        self.scopes.append(Scope(node.name, isinstance(node, ast.AsyncFunctionDef), class_coroutines, cancelled))
        self._statements(node.body)
        self._close_scope()

    def _close_scope(self) -> None:
        scope = self.scopes.pop()
        for name, finding in scope.unused_candidates.items():
            if name not in scope.loaded:
                self.findings.append(finding)
        if self.scopes:
            # A nested function reading the name counts as a use in the enclosing one.
            self.scopes[-1].loaded |= scope.loaded

    def _expression(self, node: ast.expr) -> None:
        """Walks an expression: names read, calls; nested functions get their own scope."""
        stack: list[ast.AST] = [node]
        scope = self.scope
        awaited: set[int] = set()  # calls awaited directly return awaitables
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Await) and isinstance(current.value, ast.Call):
                awaited.add(id(current.value))
            if isinstance(current, ast.Lambda):
                # A lambda's body runs whenever it is called, maybe in a thread: not "on the loop here".
                scope.loaded |= {n.id for n in ast.walk(current.body) if isinstance(n, ast.Name)}
                continue
            if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Load):
                scope.loaded.add(current.id)
            elif isinstance(current, ast.Call):
                for rule in self.rules:
                    rule.call(self, current, id(current) in awaited)
            stack.extend(ast.iter_child_nodes(current))
