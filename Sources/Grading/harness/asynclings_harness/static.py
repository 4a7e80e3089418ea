"""A static pass over the learner's file: the lines behind the mistakes the grader sees at run time.

The dynamic checks say *that* something went wrong (the loop stalled, a coroutine
was never awaited, a cancellation vanished); this pass reads the syntax tree and
says *where*. Four rules, each tied to the check whose failure it explains:

====================== ================ =====================================================
rule                   check            finds
====================== ================ =====================================================
blocking-call          blocking         a blocking call (``time.sleep``, ``open``, ``input``,
                                        ``subprocess.run``, ``requests.get``, ...) made
                                        directly in an ``async def``, or a call to a plain
                                        function of this file that makes one
unawaited-coroutine    unawaited        a coroutine created and thrown away: a call to an
                                        ``async def`` (or an asyncio coroutine) used as a
                                        statement, or assigned to a name never used again
dangling-task          leaked-tasks     ``asyncio.create_task``/``ensure_future``/``gather``
                                        whose result is thrown away the same ways
swallowed-cancellation cancellation     an ``except`` around an ``await`` that catches
                                        ``CancelledError`` (bare, ``BaseException``,
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

import ast
from typing import Iterable, Iterator

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

_TO_THREAD = "move it to a thread with `await asyncio.to_thread(...)`"
_SUBPROCESS = "use `await asyncio.create_subprocess_exec(...)`, or run it with `await asyncio.to_thread(...)`"
_HTTP = "use an async HTTP client, or run the call with `await asyncio.to_thread(...)`"

# Fully qualified names of calls that block the thread they run on, with the asyncio way out.
BLOCKING_CALLS: dict[str, str] = {
    "time.sleep": "use `await asyncio.sleep(...)`",
    "open": _TO_THREAD,
    "io.open": _TO_THREAD,
    "input": _TO_THREAD,
    "os.system": _SUBPROCESS,
    "os.popen": _SUBPROCESS,
    "os.posix_spawn": _SUBPROCESS,
    "os.posix_spawnp": _SUBPROCESS,
    "os.wait": _SUBPROCESS,
    "os.wait3": _SUBPROCESS,
    "os.wait4": _SUBPROCESS,
    "os.waitid": _SUBPROCESS,
    "os.waitpid": _SUBPROCESS,
    "os.fdopen": _TO_THREAD,
    "io.open_code": _TO_THREAD,
    "urllib3.request": _HTTP,
    "subprocess.run": _SUBPROCESS,
    "subprocess.call": _SUBPROCESS,
    "subprocess.check_call": _SUBPROCESS,
    "subprocess.check_output": _SUBPROCESS,
    "subprocess.getoutput": _SUBPROCESS,
    "subprocess.getstatusoutput": _SUBPROCESS,
    "subprocess.Popen": _SUBPROCESS,
    "urllib.request.urlopen": _HTTP,
    "socket.create_connection": "use `await asyncio.open_connection(...)`",
    "socket.getaddrinfo": "use `await asyncio.get_running_loop().getaddrinfo(...)`",
    "socket.gethostbyname": "use `await asyncio.get_running_loop().getaddrinfo(...)`",
    "sqlite3.connect": _TO_THREAD,
}
for _verb in ("get", "post", "put", "patch", "delete", "head", "options", "request"):
    BLOCKING_CALLS[f"requests.{_verb}"] = _HTTP
    BLOCKING_CALLS[f"httpx.{_verb}"] = _HTTP
for _suffix in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe"):
    BLOCKING_CALLS[f"os.spawn{_suffix}"] = _SUBPROCESS

# asyncio functions that return a coroutine (calling them does nothing until awaited).
ASYNCIO_COROUTINES = frozenset({
    "asyncio.sleep", "asyncio.wait_for", "asyncio.wait", "asyncio.to_thread",
    "asyncio.open_connection", "asyncio.start_server", "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell", "asyncio.open_unix_connection", "asyncio.start_unix_server",
})
# asyncio functions that start work in the background and hand back the only handle on it.
TASK_STARTERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.gather"})
CANCELLATION_CATCHERS = frozenset({
    "BaseException", "asyncio.CancelledError", "asyncio.exceptions.CancelledError", "CancelledError",
})
SUPPRESSORS = frozenset({"contextlib.suppress"})

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_AWAIT_POINTS = (ast.Await, ast.AsyncFor, ast.AsyncWith)
_TRY_NODES: tuple[type[ast.AST], ...] = (ast.Try, getattr(ast, "TryStar", ast.Try))


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


def analyse(source: str | bytes, filename: str = "<exercise>") -> list[StaticFinding]:
    """Every finding in ``source``, in line order. Source that does not parse has none."""
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return []
    return _Analysis(tree).run()


# -- names -----------------------------------------------------------------------


def _imports(tree: ast.Module) -> dict[str, str]:
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


def _attribute_chain(node: ast.AST) -> list[str] | None:
    """``a.b.c`` -> ``["a", "b", "c"]``; None for anything that is not a plain dotted name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


# -- the pass ----------------------------------------------------------------------


class _Scope:
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


class _Analysis:
    """One walk over a module's tree, keeping a stack of the functions it is inside."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.imports = _imports(tree)
        self.coroutines = {n.name for n in tree.body if isinstance(n, ast.AsyncFunctionDef)}
        self.shadowed = {name for name in self._module_assignments() if name not in self.coroutines}
        self.blocking_functions = self._local_blocking_functions()
        self.findings: list[StaticFinding] = []
        self.scopes: list[_Scope] = []

    def run(self) -> list[StaticFinding]:
        self.scopes.append(_Scope(None, False))
        self._statements(self.tree.body)
        self._close_scope()
        unique = {(f.rule, f.line, f.column): f for f in self.findings}
        return sorted(unique.values(), key=lambda f: (f.line, f.column, f.rule))

    # -- resolution -------------------------------------------------------------

    def qualified(self, node: ast.AST) -> str | None:
        """The dotted name a call or exception refers to, through the file's imports."""
        parts = _attribute_chain(node)
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

    def is_coroutine_call(self, call: ast.Call) -> str | None:
        """The name of the coroutine function ``call`` calls, when we know it is one."""
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.coroutines:
            return func.id
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id in ("self", "cls") and self.scopes
                and func.attr in self.scopes[-1].class_coroutines):
            return f"{func.value.id}.{func.attr}"
        name = self.qualified(func)
        if name in ASYNCIO_COROUTINES:
            return name
        return None

    def is_task_starter(self, call: ast.Call) -> str | None:
        name = self.qualified(call.func)
        if name in TASK_STARTERS:
            return name
        # loop.create_task(...) on a loop; a TaskGroup's create_task is fine (the group awaits its tasks).
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "create_task":
            receiver = func.value
            if isinstance(receiver, ast.Call):
                receiver = receiver.func  # asyncio.get_running_loop().create_task(...)
            parts = _attribute_chain(receiver)
            if parts is not None and "loop" in parts[-1].lower():
                return f"{'.'.join(parts)}{'()' if receiver is not func.value else ''}.create_task"
        return None

    def blocking_reason(self, call: ast.Call) -> tuple[str, str] | None:
        """(what blocks, the fix) for a call that blocks the thread."""
        if isinstance(call.func, ast.Name) and call.func.id in self.blocking_functions:
            name = call.func.id
            inner, line = self.blocking_functions[name]
            return (f"`{name}()` is a plain function that blocks (it calls `{inner}()` at line {line})",
                    f"run it in a thread: `await asyncio.to_thread({name}, ...)`")
        name = self.qualified(call.func)
        if name in BLOCKING_CALLS:
            return f"`{name}()` blocks the thread it runs on", BLOCKING_CALLS[name]
        return None

    def _local_blocking_functions(self) -> dict[str, tuple[str, int]]:
        """Module-level plain functions that block: name -> (the blocking call inside, its line)."""
        plain = {n.name: n for n in self.tree.body if isinstance(n, ast.FunctionDef)}
        found: dict[str, tuple[str, int]] = {}
        changed = True
        while changed:  # a fixed point: f calls g calls time.sleep
            changed = False
            for name, function in plain.items():
                if name in found:
                    continue
                for call in _calls_in(function.body):
                    if isinstance(call.func, ast.Name) and call.func.id in found:
                        callee: str | None = call.func.id
                    else:
                        callee = self.qualified(call.func)
                        if callee not in BLOCKING_CALLS:
                            continue
                    found[name] = (callee or "", call.lineno)
                    changed = True
                    break
        return found

    # -- walking ---------------------------------------------------------------------

    def _statements(self, body: Iterable[ast.stmt]) -> None:
        for statement in body:
            self._statement(statement)

    def _statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.ClassDef):
            coroutines = frozenset(n.name for n in node.body if isinstance(n, ast.AsyncFunctionDef))
            for child in node.body:
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self._function(child, coroutines)
                else:
                    self._statement(child)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if expression is not None:
                    self._expression(expression)
            self._function(node, self.scopes[-1].class_coroutines)
            return
        if isinstance(node, ast.Expr):
            self._thrown_away(node.value)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._assigned(node.targets[0].id, node.value)
        if isinstance(node, _TRY_NODES):
            self._try(node)  # type: ignore[arg-type]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self._suppress(node)
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
            ".".join(parts) for call in _calls_in(node.body)
            if isinstance(call.func, ast.Attribute) and call.func.attr == "cancel"
            and (parts := _attribute_chain(call.func.value)) is not None)
        self.scopes.append(_Scope(node.name, isinstance(node, ast.AsyncFunctionDef), class_coroutines, cancelled))
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
        """Walks an expression: names read, blocking calls; nested functions get their own scope."""
        stack: list[ast.AST] = [node]
        scope = self.scopes[-1]
        awaited: set[int] = set()  # calls awaited directly return awaitables: not the blocking kind
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Await) and isinstance(current.value, ast.Call):
                awaited.add(id(current.value))
            if isinstance(current, ast.Lambda):
                # A lambda's body runs whenever it is called, maybe in a thread: not "on the loop here".
                lam = _Scope("<lambda>", False, scope.class_coroutines)
                lam.loaded = {n.id for n in ast.walk(current.body) if isinstance(n, ast.Name)}
                scope.loaded |= lam.loaded
                continue
            if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Load):
                scope.loaded.add(current.id)
            elif isinstance(current, ast.Call) and scope.is_async and id(current) not in awaited:
                reason = self.blocking_reason(current)
                if reason is not None:
                    what, fix = reason
                    self._add(BLOCKING_CALL, current, f"{what}: while it runs, the event loop can run nothing else. Fix: {fix}.")
            stack.extend(ast.iter_child_nodes(current))

    def _add(self, rule: str, node: ast.AST, message: str) -> None:
        self.findings.append(StaticFinding(rule, getattr(node, "lineno", 0), getattr(node, "col_offset", 0),
                                           self.scopes[-1].name, message))

    # -- rule: coroutines and tasks thrown away --------------------------------------

    def _thrown_away(self, value: ast.expr) -> None:
        calls: list[ast.Call] = []
        if isinstance(value, ast.Call):
            calls = [value]
        elif isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and isinstance(value.elt, ast.Call):
            calls = [value.elt]
        for call in calls:
            coroutine = self.is_coroutine_call(call)
            if coroutine is not None:
                self._add(UNAWAITED_COROUTINE, call,
                          f"`{coroutine}(...)` only creates a coroutine, and this line throws it away: its body never runs. "
                          "Fix: `await` it, or hand it to `asyncio.gather`/`asyncio.create_task` and await that.")
                continue
            starter = self.is_task_starter(call)
            if starter is not None:
                self._add(DANGLING_TASK, call,
                          f"the result of `{starter}(...)` is thrown away: nothing waits for that work to finish or sees its errors, "
                          "and a task nobody references can even be garbage-collected mid-flight. "
                          "Fix: keep it (`task = ...`) and await it before returning.")

    def _assigned(self, name: str, value: ast.expr) -> None:
        if not isinstance(value, ast.Call):
            return
        scope = self.scopes[-1]
        if scope.name is None:
            return  # module-level names can be read from anywhere
        coroutine = self.is_coroutine_call(value)
        starter = None if coroutine else self.is_task_starter(value)
        if coroutine is not None:
            finding = StaticFinding(UNAWAITED_COROUTINE, value.lineno, value.col_offset, scope.name,
                                    f"`{name} = {coroutine}(...)` stores a coroutine that is never used again, so it never runs. "
                                    f"Fix: `{name} = await {coroutine}(...)`.")
        elif starter is not None:
            finding = StaticFinding(DANGLING_TASK, value.lineno, value.col_offset, scope.name,
                                    f"`{name} = {starter}(...)` is never used again: nothing awaits that work before the function "
                                    f"returns. Fix: `await {name}` (or gather it) before returning.")
        else:
            return
        scope.unused_candidates.setdefault(name, finding)

    # -- rule: cancellation swallowed ---------------------------------------------------

    def _try(self, node: ast.Try) -> None:
        if not self.scopes[-1].is_async or not _awaits(node.body):
            return
        for statement in node.finalbody:
            escape = _escape_in(statement)
            if escape is not None:
                self._add(SWALLOWED_CANCELLATION, escape,
                          f"a `{type(escape).__name__.lower()}` inside `finally` throws away the exception in flight, "
                          "including a cancellation (CancelledError). Fix: move it out of the `finally` block.")
                break
        if self._awaits_cancelled_task(node.body):
            return
        for handler in node.handlers:
            if not self._catches_cancellation(handler.type):
                continue
            outcome = _reraises(handler.body, handler.name)
            if outcome == _RERAISED:
                return  # CancelledError leaves here; later handlers never see it
            if any(isinstance(call.func, ast.Attribute) and call.func.attr == "uncancel" for call in _calls_in(handler.body)):
                return  # `task.uncancel()`: the task takes the cancellation as a request and carries on, deliberately
            if handler.type is None:
                caught = "this bare `except:` catches everything, the task's cancellation (CancelledError) included,"
            elif self._names_cancelled_error(handler.type):
                caught = "this handler catches the task's cancellation"
            else:
                caught = (f"this handler catches every `{ast.unparse(handler.type)}`, "
                          "the task's cancellation (CancelledError) included,")
            if outcome == _OTHER_RAISE:
                self._add(SWALLOWED_CANCELLATION, handler,
                          f"{caught} and raises a different exception instead, so the task no longer ends cancelled. "
                          "Fix: re-raise the CancelledError itself with a bare `raise`.")
            else:
                self._add(SWALLOWED_CANCELLATION, handler,
                          f"{caught} and does not re-raise it on every path: the cancel is lost and the task carries on "
                          "as if nothing happened. Fix: do the cleanup, then `raise` (or put the cleanup in a `finally:` block).")
            return

    def _awaits_cancelled_task(self, body: list[ast.stmt]) -> bool:
        """``task.cancel()`` then ``try: await task / except CancelledError: pass``: collecting a task
        we cancelled ourselves, where the CancelledError is the expected answer, not our own cancel."""
        if len(body) != 1 or not isinstance(body[0], ast.Expr) or not isinstance(body[0].value, ast.Await):
            return False
        awaited = _attribute_chain(body[0].value.value)
        return awaited is not None and ".".join(awaited) in self.scopes[-1].cancelled

    def _suppress(self, node: ast.With | ast.AsyncWith) -> None:
        if not self.scopes[-1].is_async or not _awaits(node.body) or self._awaits_cancelled_task(node.body):
            return
        for item in node.items:
            call = item.context_expr
            if (isinstance(call, ast.Call) and self.qualified(call.func) in SUPPRESSORS
                    and any(self._catches_cancellation(arg) for arg in call.args)):
                self._add(SWALLOWED_CANCELLATION, call,
                          "`contextlib.suppress` here swallows the task's cancellation (CancelledError): the cancel is lost. "
                          "Fix: suppress only the exceptions you expect, never CancelledError or BaseException.")

    def _names_cancelled_error(self, kind: ast.expr) -> bool:
        kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
        return any((self.qualified(each) or "").endswith("CancelledError") for each in kinds)

    def _catches_cancellation(self, kind: ast.expr | None) -> bool:
        if kind is None:
            return True
        kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
        for each in kinds:
            name = self.qualified(each)
            if name in CANCELLATION_CATCHERS or name == "builtins.BaseException":
                return True
        return False


def _calls_in(body: Iterable[ast.stmt]) -> Iterator[ast.Call]:
    """Calls made by these statements themselves (not by functions defined inside them)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, _FUNCTIONS):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _awaits(body: Iterable[ast.stmt]) -> bool:
    """Whether these statements can suspend (so a cancellation can arrive inside them)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, _FUNCTIONS):
            continue
        if isinstance(node, _AWAIT_POINTS):
            return True
        stack.extend(ast.iter_child_nodes(node))
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
        if isinstance(current, _FUNCTIONS):
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
        if isinstance(node, _FUNCTIONS):
            continue
        if isinstance(node, ast.Return) or (isinstance(node, (ast.Break, ast.Continue)) and not in_loop):
            return node  # type: ignore[return-value]
        inner_loop = in_loop or isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        stack.extend((child, inner_loop) for child in ast.iter_child_nodes(node))
    return None
