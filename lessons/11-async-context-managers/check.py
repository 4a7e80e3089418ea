"""Grades 11-async-context-managers: the class and the @asynccontextmanager form.

For each form: the connection is open inside the block and closed after it, on
success, on an exception (which must still come out of the block), and on
cancellation (which must still cancel the task); a connection that failed to open
is never closed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Callable

from asynclings_harness import Abort, FakeAsync, Trial, scenario

CHECKS = ["behaviour", "cancellation"]


@dataclass
class Form:
    """One way the exercise opens a connection: ``Connection(host)`` or ``connection(host)``."""

    name: str
    usage: str  # how the learner's code is used, for messages
    bound: Callable[[Any, int, Any], bool]  # is the value `as` binds the right one? (value, id, manager)
    bound_wanted: str


CLASS = Form("Connection", "async with Connection(host) as c",
             lambda value, conn, cm: value is cm and getattr(value, "conn", None) == conn,
             "the Connection object itself, with `.conn` set to the id connect returned (return self from __aenter__)")
FUNCTION = Form("connection", "async with connection(host) as conn",
                lambda value, conn, cm: value == conn, "the id connect returned (yield it)")


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
    cm = factory(host)
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
        inside = {"opened": list(server.opened), "closing": len(server.disconnect.calls), "value": value}
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
    t.expect("behaviour", form.bound(inside["value"], conn, cm),
             f"`{form.usage}` bound {t.show(inside['value'])}; it should bind {form.bound_wanted}.")
    t.expect("behaviour", server.closed_properly(conn),
             f"after `{form.usage}` finished normally, {closing_words(server, conn)}: await disconnect(conn) "
             "exactly once when the block ends.")


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
             "swallowed. " + ("`__aexit__` must return None or False (a true value suppresses the exception)."
                              if form is CLASS else "Don't catch it in the generator; use try/finally, which re-raises."))
    t.expect("behaviour", conn is not None and server.closed_properly(conn),
             f"when the block of `{form.usage}` raised an exception, {closing_words(server, conn)}: the connection "
             "must be closed however the block ends" + (" (`__aexit__` runs then too)." if form is CLASS
                                                        else " — put `yield` inside `try:` and disconnect in `finally:`."))


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
             "`finally` (or `__aexit__`) does not.")
    t.expect("cancellation", task.cancelled(),
             f"the task using `{form.usage}` was cancelled, but it "
             + ("finished normally" if task.done() and not task.cancelled() and task.exception() is None else "did not end cancelled")
             + ": the CancelledError must come out of `async with`, so don't suppress or swallow it.")


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
             "what was opened" + ("." if form is CLASS else " — call connect before the `try:`."))


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
