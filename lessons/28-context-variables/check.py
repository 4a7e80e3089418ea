"""Grades 28-context-variables: a request id carried through tasks, to_thread and run_in_executor.

The grader replaces the four stand-ins (`load_user`, `load_orders`, `render`, `sign`)
with its own. Each one logs a line the way the file's `log` does: it reads the
module's `request_id` where it runs (in a task on the loop, in a `to_thread` worker,
on a thread of the grader's `signer` pool) and records which request the call was for
(from its arguments). A line whose id is not its request's is the bug this lesson is
about. What "Your exercise" asks, and the scenario that checks it:

- while handle runs, `request_id` is `rid` for handle and everything it starts: every
  line carries it, in the load tasks, in the render thread and on the signer's thread
  → *one request* (`behaviour`; wrong/tasks-created-before-set,
  wrong/executor-without-context, wrong/render-in-executor,
  wrong/context-copied-too-early)
- with many requests served at the same time, no line carries another request's id
  → *requests arriving together*, explored (`race`; wrong/global-handoff, whose
  window is the moment between starting a request's tasks and their first step)
- when handle returns, `request_id` is back to the caller's value → *one request*
  (`behaviour`; wrong/set-without-reset); when it raises, too → *a failing load*
  (wrong/reset-not-in-finally)
- load the user and the orders at the same time, in tasks → *one request*
  (`concurrency`; wrong/loads-one-after-another)
- if one load fails, the other is cancelled and handle raises the error (or an
  ExceptionGroup holding it), rendering and signing nothing → *a failing load*
  (`behaviour`; wrong/failure-leaves-the-other-load)
- render in a worker thread with `asyncio.to_thread` → the generic `blocking` check:
  the grader's render notices the loop's thread (wrong/render-on-the-loop)
- sign on a thread of `signer`, and return what it returns → *one request*
  (`behaviour`; wrong/sign-on-the-default-pool)
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from asynclings_harness import Abort, FakeBlocking, Trial, scenario

CHECKS = ["behaviour", "concurrency", "race"]

SIGNATURE = "async def handle(rid: str, user_id: int, signer: Executor) -> str"
NOTHING = "<no value>"  # shown for request_id.get() where it was never set and has no default
CALLER = "caller"  # the id the grader's own task has when it calls handle


class OrdersUnavailable(Exception):
    """The grader's load_orders failing."""


@dataclass
class Line:
    """One line a stand-in logged: what it said, the id it saw, and the request it was serving."""

    step: str  # the stand-in that logged it
    text: str
    seen: str
    rid: str
    where: str  # "in the task running load_user", "on thread signer_0"
    thread: str  # "loop", or the worker thread's name

    def shown(self) -> str:
        return f"`[{self.seen}] {self.text}`"


@dataclass
class Request:
    rid: str
    user_id: int
    user_latency: float
    orders_latency: float
    start: float = 0.0
    fails: bool = False  # load_orders raises
    result: Any = None
    raised: BaseException | None = None
    id_after: str = ""  # request_id in the caller once handle ended
    done: bool = False
    lines: list[Line] = field(default_factory=list)


class Service:
    """The grader's stand-ins, each logging one line tagged with the request_id it sees."""

    def __init__(self, t: Trial, requests: list[Request]) -> None:
        self.t = t
        self.var = request_id_of(t)
        self.requests = {r.user_id: r for r in requests}
        self.lines: list[Line] = []
        self.errors = {r.user_id: OrdersUnavailable(f"the orders of user {r.user_id} are unavailable")
                       for r in requests if r.fails}
        self.users = t.fake_async("load_user", latency=lambda uid: self.requests[uid].user_latency,
                                  result=lambda uid: {"id": uid, "name": f"user {uid}"}, patch=False)
        self.orders = t.fake_async("load_orders", latency=lambda uid: self.requests[uid].orders_latency,
                                   result=lambda uid: [f"order {uid}-1", f"order {uid}-2"],
                                   raises=lambda uid: self.errors.get(uid), patch=False)
        self.renders = FakeBlocking(t, "render", duration=0.05, result=page_of)
        self.signs = FakeBlocking(t, "sign", duration=0.02, result=signed)
        self.pages: dict[str, int] = {}  # page -> user id, to know which request a sign call serves
        service = self

        async def load_user(user_id: int) -> dict:
            service.log("load_user", f"loading user {user_id}", user_id)
            return await service.users.function(user_id)

        async def load_orders(user_id: int) -> list[str]:
            service.log("load_orders", f"loading the orders of user {user_id}", user_id)
            return await service.orders.function(user_id)

        def render(user: dict, orders: list[str]) -> str:
            uid = user.get("id") if isinstance(user, dict) else None
            service.log("render", f"rendering the page of user {uid}", uid)
            page = service.renders.function(user, orders)
            service.pages[page] = uid
            return page

        def sign(page: str) -> str:
            service.log("sign", "signing the page", service.pages.get(page))
            return service.signs.function(page)

        for function in (load_user, load_orders, render, sign):
            t.patch(function.__name__, function)

    def log(self, step: str, text: str, user_id: int | None) -> None:
        seen = value_of(self.var)
        request = self.requests.get(user_id) if user_id is not None else None
        loop = self.t.loop
        if threading.get_ident() == loop.thread_ident:
            label = self.t.task_label(asyncio.current_task(loop))
            where = "in the task that called handle" if label == "grader" else f"in the task running {label}()"
            thread = "loop"
        else:
            thread = threading.current_thread().name
            where = f"on thread {thread}"
        line = Line(step, text, str(seen), request.rid if request else "?", where, thread)
        self.lines.append(line)
        if request is not None:
            request.lines.append(line)


def value_of(var: contextvars.ContextVar[Any]) -> str:
    """What the file's `log` would print for the id here (its default where it was never set)."""
    try:
        return str(var.get())
    except LookupError:
        return NOTHING


def page_of(user: dict, orders: list[str]) -> str:
    name = user.get("name") if isinstance(user, dict) else user
    return f"<page of {name} with {len(orders) if isinstance(orders, list) else orders} orders>"


def signed(page: str) -> str:
    return f"{page} signed"


def expected_page(user_id: int) -> str:
    return signed(page_of({"name": f"user {user_id}"}, ["", ""]))


def request_id_of(t: Trial) -> contextvars.ContextVar[Any]:
    var = getattr(t.module, "request_id", None)
    if not isinstance(var, contextvars.ContextVar):
        t.fail("behaviour", f"`request_id` should be the module's context variable, `request_id = "
                            f"contextvars.ContextVar(\"request_id\", default=\"-\")`, but it is {t.show(var)}: the "
                            "grader's stand-ins log the id they read from it.")
        raise Abort("request_id")
    return var


def signer_pool(workers: int) -> ThreadPoolExecutor:
    """The grader's signing pool: a thread per request served at once (a queued job would hold the clock)."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="signer")


def why_wrong(line: Line, request: Request, rids: set[str]) -> str:
    """What a line with the wrong id tells about where the context went astray."""
    if not any(other.seen == request.rid for other in request.lines):
        return (f"no line of this request carried {request.rid!r}: handle never made the request's id the value of "
                "request_id in the context its work runs in.")
    if line.seen in rids:
        return ("that is another request's id. It reached this line through something the requests share (a "
                "global, a task or a worker thread that served another request), not through this request's own "
                "context.")
    if line.seen == CALLER:
        return ("that is the id of the code that called handle: this ran in a context copied before request_id "
                "was set to the request's id. A task, and a context copy, keep the values of the moment they were "
                "made; later set() calls do not reach them.")
    if line.thread != "loop":
        return ("the request's id never reached this thread. `loop.run_in_executor` runs the function in the worker "
                "thread's own context, where request_id was never set (unlike `asyncio.to_thread`, which runs it in "
                "a copy of the caller's context); the job needs a copy of the request's context to run in.")
    return "request_id was not set to the request's id in the context this ran in."


def judge_lines(t: Trial, requests: list[Request], check: str = "behaviour") -> bool:
    rids = {r.rid for r in requests}
    for request in requests:
        wrong = [line for line in request.lines if line.seen != request.rid]
        if wrong:
            line = wrong[0]
            others = f" ({t.count(len(wrong) - 1, 'more line')} like it)" if len(wrong) > 1 else ""
            t.fail(check, f"while serving {request.rid}, the grader's {line.step} logged {line.shown()} {line.where}"
                          f"{others}: {why_wrong(line, request, rids)}")
            return False
    t.passed(check, "every log line carried its own request's id")
    return True


async def serve(handle: Callable[..., Any], request: Request, signer: ThreadPoolExecutor,
                var: contextvars.ContextVar[Any]) -> None:
    """Calls handle as a caller with an id of its own would, and notes what it did to that id."""
    var.set(CALLER)
    try:
        request.result = await handle(request.rid, request.user_id, signer)
    except Exception as error:  # judged by the scenario (an escaping error is its own verdict)
        request.raised = error
    finally:
        request.id_after = value_of(var)
        request.done = True


def caller(handle: Callable[..., Any], request: Request, signer: ThreadPoolExecutor,
           var: contextvars.ContextVar[Any]) -> Callable[[], Any]:
    """serve(...) as an entry point named after handle, for the grader's messages about what it left running."""

    async def entry() -> None:
        await serve(handle, request, signer, var)

    entry.__name__ = entry.__qualname__ = "handle"
    return entry


def judge_restored(t: Trial, request: Request, how: str) -> None:
    t.expect("behaviour", request.id_after == CALLER,
             f"the caller's request_id was {CALLER!r} before it called handle({request.rid!r}, ...), and "
             f"{request.id_after!r} after handle {how}. A request's id should end with the request: otherwise the "
             "caller's next lines are tagged with a request that is over. set() returns a token; resetting with it "
             "puts the old value back, and it has to happen however handle ends.",
             "the caller's own request_id was back when handle ended")


def judge_sign_thread(t: Trial, service: Service) -> None:
    wrong = [c for c in service.signs.calls if not c.on_loop_thread and not str(c.task).startswith("signer")]
    t.expect("behaviour", not wrong,
             f"sign ran on thread {wrong[0].task if wrong else ''}, not on one of the `signer` pool's threads. The "
             "signing library is safe only on its own pool: `asyncio.to_thread` uses asyncio's default pool, while "
             "`loop.run_in_executor` takes the executor to use.", "sign ran on the signer's threads")


@scenario("one request: its id on every line, in tasks and threads, and the caller's id back afterwards")
async def one(t: Trial) -> None:
    handle = t.function("handle", is_async=True, signature=SIGNATURE)
    request = Request("req-7", 7, user_latency=0.1, orders_latency=0.15)
    service = Service(t, [request])
    signer = signer_pool(1)
    try:
        await t.call(caller(handle, request, signer, service.var))
    finally:
        signer.shutdown(wait=True)
    if request.raised is not None:
        raise request.raised  # the run check shows where
    t.expect("behaviour", request.result == expected_page(7),
             f"handle('req-7', 7, signer) returned {t.show(request.result)}; it should return what sign returned: "
             f"{expected_page(7)!r}.")
    calls = {"load_user": len(service.users.calls), "load_orders": len(service.orders.calls),
             "render": len(service.renders.calls), "sign": len(service.signs.calls)}
    t.expect("behaviour", all(n == 1 for n in calls.values()),
             f"handle called the stand-ins {t.show(calls)} times; it should call each of them once.")
    judge_lines(t, [request])
    judge_sign_thread(t, service)
    judge_restored(t, request, "returned")
    users, orders = service.users.calls, service.orders.calls
    if users and orders:
        overlap = users[0].start < (orders[0].end or t.now) and orders[0].start < (users[0].end or t.now)
        t.expect("concurrency", overlap,
                 f"load_user ran from {users[0].start:g} s to {users[0].end:g} s and load_orders from "
                 f"{orders[0].start:g} s to {orders[0].end:g} s: one after the other. They do not depend on each "
                 "other; start both as tasks before waiting for either.", "the two loads overlapped")


@scenario("a failing load: the other one is cancelled, handle raises, and the caller's id comes back")
async def failing(t: Trial) -> None:
    handle = t.function("handle", is_async=True, signature=SIGNATURE)
    request = Request("req-8", 8, user_latency=0.3, orders_latency=0.05, fails=True)
    service = Service(t, [request])
    error = service.errors[8]
    signer = signer_pool(1)
    try:
        await t.call(caller(handle, request, signer, service.var))
    finally:
        signer.shutdown(wait=True)
    t.consequences("behaviour", "leaked-tasks", "unretrieved-exception")  # a load left running is the same bug
    raised = request.raised
    carried = raised is error or (isinstance(raised, BaseExceptionGroup) and raised.subgroup(lambda e: e is error) is not None)
    if raised is None:
        t.fail("behaviour", f"load_orders(8) raised OrdersUnavailable, and handle returned {t.show(request.result)}: "
                            "the failure should reach the caller (as the error, or an ExceptionGroup holding it).")
    elif not carried:
        if not isinstance(raised, BaseExceptionGroup):
            raise raised  # the learner's own exception: the run check shows where it came from
        t.fail("behaviour", f"load_orders(8) raised OrdersUnavailable, but handle raised {t.show(raised)}, which does "
                            "not hold it: let the error (or the TaskGroup's ExceptionGroup) reach the caller.")
    else:
        t.passed("behaviour", "the failed load's error reached the caller")
    users, orders = service.users.calls, service.orders.calls
    failed_at = orders[0].end if orders and orders[0].raised is error else None
    overlapped = bool(users) and failed_at is not None and users[0].start <= failed_at and (
        users[0].end is None or users[0].end > failed_at)
    if overlapped:  # (loads run one after the other are the concurrency check's business)
        t.expect("behaviour", users[0].cancelled,
                 f"load_orders(8) failed at {failed_at:g} s while load_user(8) was still running, and load_user went "
                 "on to the end. Once one load has failed the request cannot succeed: the other load should be "
                 "cancelled (a TaskGroup does that by itself), not left to run.",
                 "the other load was cancelled")
    rest = [c for c in ("render", "sign") if getattr(service, c + "s").calls]
    t.expect("behaviour", not rest, f"after a load failed, handle still called {' and '.join(rest)}.")
    judge_lines(t, [request])
    judge_restored(t, request, "raised")


# A burst of three requests at the same moment, then a fourth while they are being served.
PLAN = [("req-a", 11, 0.0, 0.12, 0.08), ("req-b", 12, 0.0, 0.05, 0.15), ("req-c", 13, 0.0, 0.1, 0.1),
        ("req-d", 14, 0.1, 0.07, 0.04)]


@scenario("requests arriving together: every line carries its own request's id, whatever the schedule", explore=True)
async def together(t: Trial) -> None:
    handle = t.function("handle", is_async=True, signature=SIGNATURE)
    requests = [Request(rid, uid, user_latency=ul, orders_latency=ol, start=at) for rid, uid, at, ul, ol in PLAN]
    service = Service(t, requests)
    signer = signer_pool(len(requests))

    async def accept_all() -> None:
        """The grader's server: starts serving each request as it arrives, each in a task of its own."""
        served = []
        for request in requests:
            if request.start > t.now:
                await asyncio.sleep(t.vary(request.start - t.now))
            served.append(t.spawn(serve(handle, request, signer, service.var)))
            await asyncio.sleep(0)  # accepting the next connection: the requests started so far may run meanwhile
        await asyncio.gather(*served)

    try:
        await t.call(accept_all)
    finally:
        signer.shutdown(wait=True)
    for request in requests:
        if request.raised is not None:
            raise request.raised
    got = {r.rid: r.result for r in requests}
    expected = {r.rid: expected_page(r.user_id) for r in requests}
    t.expect("behaviour", got == expected, f"{len(requests)} requests served at once returned {t.show(got)}; "
                                           f"expected {t.show(expected)}.")
    judge_lines(t, requests)
    for request in requests:
        judge_restored(t, request, "returned")
    t.passed("behaviour", "every line carried its own request's id, in tasks and in threads; the caller's id came "
                          "back; a failed load cancelled the other")
