"""Grades 11-async-context-managers: the class and the @asynccontextmanager form.

What "Your exercise" asks, and the scenario that checks it (each runs for both forms):

- `Connection(host)`'s `__aenter__` awaits `connect(host)` before the block runs
  → *open inside the block, closed after it* (`behaviour`; wrong/connects-in-background)
- it stores the id in `self.conn` and returns `self` → the same scenario reads what
  `as` bound, and its `.conn`, inside the block (wrong/aenter-returns-id)
- `__aexit__` awaits `disconnect(self.conn)` → the same scenario (`behaviour`) and the
  generic `unawaited` check (wrong/disconnect-not-awaited)
- `__aexit__` never suppresses the block's exception → *an error in the block*
  (wrong/aexit-returns-true)
- `connection(host)` awaits `connect(host)` and yields the id → *open inside the
  block* (wrong/bare-yield)
- it awaits `disconnect(id)` when the block ends → *open inside*, *an error in the
  block* (wrong/no-finally)
- closed exactly once after the block → *open inside* (wrong/closes-twice)
- the block raises: closed, and the exception still comes out → *an error in the
  block* (wrong/no-finally, wrong/aexit-returns-true)
- the task is cancelled: closed, and the task still ends cancelled → *cancelling
  the task* (`cancellation`; wrong/except-exception, wrong/swallows-cancellation)
- `connect` fails: its error comes out, the block does not run, `disconnect` is not
  called → *a connection that failed to open* (wrong/closes-what-never-opened,
  wrong/aenter-hides-connect-error)
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from asynclings_harness import Abort, FakeAsync, Trial, scenario

CHECKS = ["behaviour", "cancellation"]


@dataclass
class Form:
    """One way the exercise opens a connection: ``Connection(host)`` or ``connection(host)``."""

    name: str
    usage: str  # how the learner's code is used, for messages


CLASS = Form("Connection", "async with Connection(host) as c")
FUNCTION = Form("connection", "async with connection(host) as conn")


def binding_problem(form: Form, value: Any, conn_inside: Any, conn: int, cm: Any) -> str | None:
    """What is wrong with what `as` bound (read inside the block), or None.

    ``conn_inside`` is the bound object's ``.conn`` read *inside* the block: after it,
    ``__aexit__`` may rightly have cleared it.
    """
    if form is FUNCTION:
        if value == conn:
            return None
        return (f"`{form.usage}` bound {Trial.show(value)}, but connect returned {conn}: what the generator yields "
                "is what `as` binds, so it should hand out the connection's id.")
    if value is not cm:
        return (f"`{form.usage}` bound {Trial.show(value)} instead of the Connection object: `as` binds whatever "
                "`__aenter__` returns, and the exercise wants the object itself (with its id in `.conn`).")
    if conn_inside != conn:
        return (f"inside `{form.usage}`, `c.conn` was {Trial.show(conn_inside)}, but connect returned {conn}: keep the "
                "id connect gave you on the object, as `conn`.")
    return None


class Server:
    """The grader's connect/disconnect: a new id per connection, and a record of what was closed."""

    def __init__(self, t: Trial, refuse: bool = False) -> None:
        self.next_id = 41
        self.refused: list[BaseException] = []

        def open_id(host: str) -> int:
            self.next_id += 1
            return self.next_id

        def refusal(host: str) -> BaseException | None:
            if refuse:
                self.refused.append(ConnectionRefusedError(f"{host} refused the connection"))
                return self.refused[-1]
            return None

        self.connect: FakeAsync = t.fake_async("connect", latency=0.05, result=open_id, raises=refusal)
        self.disconnect: FakeAsync = t.fake_async("disconnect", latency=0.02)

    @property
    def opened(self) -> list[int]:
        return [c.result for c in self.connect.finished_calls]

    def closed_properly(self, conn: int) -> bool:
        calls = self.disconnect.calls
        return len(calls) == 1 and calls[0].args == (conn,) and calls[0].finished


def manager(t: Trial, form: Form, host: str) -> Any:
    factory = t.function(form.name, signature=f"{form.usage}")
    cm = t.construct(factory, host, shown=f"{form.name}({host!r})",
                     expected=f"It is called with the host name, as in `{form.usage}`.")
    if not (hasattr(cm, "__aenter__") and hasattr(cm, "__aexit__")):
        t.fail("behaviour", f"{form.name}({host!r}) returned {t.show(cm)}, which `async with` cannot use: "
                            + ("define `async def __aenter__` and `async def __aexit__` on the class."
                               if form is CLASS else "decorate the generator with `@contextlib.asynccontextmanager`."))
        raise Abort(form.name)
    return cm


def closing_words(server: Server, conn: int | None) -> str:
    calls = server.disconnect.calls
    if not calls:
        return "disconnect was never called"
    if len(calls) > 1:
        return f"disconnect was called {len(calls)} times"
    call = calls[0]
    if conn is not None and call.args != (conn,):
        return f"disconnect was called with {Trial.show(call.args)} instead of the connection's id {conn}"
    if call.end is None:
        return "disconnect was started but never finished"
    if call.cancelled:
        return "disconnect was cancelled before it finished"
    return "disconnect ran"


async def success(t: Trial, form: Form) -> None:
    server = Server(t)
    cm = manager(t, form, "db.example")
    inside: dict[str, Any] = {}
    async with cm as value:
        # Read `.conn` now: after the block, __aexit__ may rightly have cleared it.
        inside = {"opened": list(server.opened), "closing": len(server.disconnect.calls), "value": value,
                  "conn": getattr(value, "conn", None)}
        await asyncio.sleep(0.1)  # the block does some work with the connection
    opened = inside["opened"]
    t.require("behaviour", len(opened) == 1,
              f"inside `{form.usage}`, connect had finished {len(opened)} times; entering the block should "
              "await connect(host) exactly once, before the block runs.")
    conn = opened[0]
    t.expect("behaviour", server.connect.calls[0].args == ("db.example",),
             f"connect was called with {t.show(server.connect.calls[0].args)}; it should be called with the host, 'db.example'.")
    t.expect("behaviour", inside["closing"] == 0,
             f"disconnect was called before the block of `{form.usage}` ran: close the connection when the block ends.")
    problem = binding_problem(form, inside["value"], inside["conn"], conn, cm)
    t.expect("behaviour", problem is None, problem or "")
    t.expect("behaviour", server.closed_properly(conn),
             f"after `{form.usage}` finished normally, {closing_words(server, conn)}: the connection should be "
             "closed exactly once, when the block ends, and the close awaited.", follows="unawaited")


async def error(t: Trial, form: Form) -> None:
    server = Server(t)
    cm = manager(t, form, "db.example")
    boom = LookupError("raised inside the block by the grader")
    came_out: BaseException | None = None
    try:
        async with cm:
            await asyncio.sleep(0.1)
            raise boom
    except LookupError as error:
        came_out = error
    conn = server.opened[0] if server.opened else None
    t.expect("behaviour", came_out is boom,
             f"the block of `{form.usage}` raised LookupError, but nothing came out of `async with`: the error was "
             "swallowed. " + ("What `__aexit__` returns decides that: a true value tells Python the exception was "
                              "handled, and it stops there." if form is CLASS else
                              "An exception the generator catches and does not re-raise is suppressed; cleanup that "
                              "lets the error carry on belongs in a `finally`."))
    t.expect("behaviour", conn is not None and server.closed_properly(conn),
             f"when the block of `{form.usage}` raised an exception, {closing_words(server, conn)}: the connection "
             "must be closed however the block ends" + (" (`__aexit__` runs then too)." if form is CLASS
                                                        else ". The block's exception is raised at the `yield`, so code "
                                                             "after it runs only when the block succeeds; cleanup that "
                                                             "must always run belongs in a `finally`."),
             follows="unawaited")


async def cancelled(t: Trial, form: Form) -> None:
    server = Server(t)
    cm = manager(t, form, "db.example")
    entered = asyncio.Event()

    async def user() -> None:
        async with cm:
            entered.set()
            await asyncio.get_running_loop().create_future()  # waits until cancelled

    task = t.spawn(user(), name="grader-user")
    await entered.wait()
    await asyncio.sleep(0.1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    conn = server.opened[0] if server.opened else None
    t.expect("cancellation", conn is not None and server.closed_properly(conn),
             f"when the task using `{form.usage}` was cancelled, {closing_words(server, conn)}. Cancellation arrives as "
             "CancelledError, which is a BaseException, not an Exception: `except Exception` cleanup misses it, "
             "`finally` (or `__aexit__`) does not.", follows="unawaited")
    t.expect("cancellation", task.cancelled(),
             f"the task using `{form.usage}` was cancelled, but it "
             + ("finished normally" if task.done() and not task.cancelled() and task.exception() is None else "did not end cancelled")
             + ": the CancelledError was swallowed on its way out of `async with`. Clean up, then let it carry on: "
             "a task that cannot be cancelled cannot be stopped by timeouts or task groups either.")


async def refused(t: Trial, form: Form) -> None:
    server = Server(t, refuse=True)
    cm = manager(t, form, "down.example")
    came_out: BaseException | None = None
    ran = False
    try:
        async with cm:
            ran = True
    except Exception as error:
        came_out = error
    wanted = server.refused[0] if server.refused else None
    t.expect("behaviour", not ran, f"the block of `{form.usage}` ran although connect raised: let connect's error come out.")
    t.expect("behaviour", came_out is not None and came_out is wanted,
             f"connect raised ConnectionRefusedError, but `{form.usage}` "
             + (f"raised {type(came_out).__name__}: {came_out}" if came_out is not None else "raised nothing")
             + ": when the connection cannot be opened, its error should come out unchanged.")
    t.expect("behaviour", not server.disconnect.calls,
             f"disconnect was called ({t.show(server.disconnect.arguments())}) although connect failed: only close "
             "what was opened: when connect raises there is nothing to close, so its error should skip the cleanup.")


@scenario("class form: open inside the block, closed after it")
async def class_success(t: Trial) -> None:
    await success(t, CLASS)


@scenario("class form: an error in the block still closes, and still comes out")
async def class_error(t: Trial) -> None:
    await error(t, CLASS)


@scenario("class form: cancelling the task still closes the connection")
async def class_cancelled(t: Trial) -> None:
    await cancelled(t, CLASS)


@scenario("class form: a connection that failed to open is not closed")
async def class_refused(t: Trial) -> None:
    await refused(t, CLASS)


@scenario("generator form: open inside the block, closed after it")
async def function_success(t: Trial) -> None:
    await success(t, FUNCTION)


@scenario("generator form: an error in the block still closes, and still comes out")
async def function_error(t: Trial) -> None:
    await error(t, FUNCTION)


@scenario("generator form: cancelling the task still closes the connection")
async def function_cancelled(t: Trial) -> None:
    await cancelled(t, FUNCTION)


@scenario("generator form: a connection that failed to open is not closed")
async def function_refused(t: Trial) -> None:
    await refused(t, FUNCTION)
