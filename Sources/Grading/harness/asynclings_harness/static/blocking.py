"""Rule ``blocking-call`` (check ``blocking``): a call that blocks the thread, made on the event loop.

A call counts when it is made directly in an ``async def`` and not awaited: one of the
known blocking calls below, or a plain function of this file that makes one (found to
a fixed point, so ``f`` calling ``g`` calling ``time.sleep`` blocks too).
"""

from __future__ import annotations

import ast

from .finding import BLOCKING_CALL
from .walker import Walker, calls_in

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


class Rule:
    """Blocking calls on the loop, known ones and this file's plain functions that make one."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.functions: dict[str, tuple[str, int]] | None = None  # found on the first call

    def statement(self, walk: Walker, node: ast.stmt) -> None:
        pass

    def call(self, walk: Walker, node: ast.Call, awaited: bool) -> None:
        # A call awaited directly returns an awaitable: not the blocking kind.
        if not walk.scope.is_async or awaited:
            return
        reason = self.reason(walk, node)
        if reason is not None:
            what, fix = reason
            walk.add(BLOCKING_CALL, node, f"{what}: while it runs, the event loop can run nothing else. Fix: {fix}.")

    def reason(self, walk: Walker, call: ast.Call) -> tuple[str, str] | None:
        """(what blocks, the fix) for a call that blocks the thread."""
        if self.functions is None:
            self.functions = self._local_blocking_functions(walk)
        if isinstance(call.func, ast.Name) and call.func.id in self.functions:
            name = call.func.id
            inner, line = self.functions[name]
            return (f"`{name}()` is a plain function that blocks (it calls `{inner}()` at line {line})",
                    f"run it in a thread: `await asyncio.to_thread({name}, ...)`")
        qualified = walk.qualified(call.func)
        if qualified in BLOCKING_CALLS:
            return f"`{qualified}()` blocks the thread it runs on", BLOCKING_CALLS[qualified]
        return None

    def _local_blocking_functions(self, walk: Walker) -> dict[str, tuple[str, int]]:
        """Module-level plain functions that block: name -> (the blocking call inside, its line)."""
        plain = {n.name: n for n in self.tree.body if isinstance(n, ast.FunctionDef)}
        found: dict[str, tuple[str, int]] = {}
        changed = True
        while changed:  # a fixed point: f calls g calls time.sleep
            changed = False
            for name, function in plain.items():
                if name in found:
                    continue
                for call in calls_in(function.body):
                    if isinstance(call.func, ast.Name) and call.func.id in found:
                        callee: str | None = call.func.id
                    else:
                        callee = walk.qualified(call.func)
                        if callee not in BLOCKING_CALLS:
                            continue
                    found[name] = (callee or "", call.lineno)
                    changed = True
                    break
        return found

