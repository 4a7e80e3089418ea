"""Grades 18-http-client: one aiohttp session, a limit, a timeout per attempt, bounded retries.

The grader runs a real HTTP server (aiohttp.web) on 127.0.0.1, inside the grade, on
the same virtual clock: each path answers after its own latency; some answer 503 a
few times first, one always does, one never answers, and one loses its connection
on the first attempt. The server sees every attempt, how many were in flight, and
which connections are still open at the end.
What "Your exercise" asks, and the scenario that checks it:

- GET `base_url + path` for every path, concurrently → *twelve pages* and *no paths*
  (`concurrency`; wrong/one-at-a-time)
- through one session, closed before returning, no connection left open → every
  scenario (`behaviour`; wrong/session-per-request, wrong/session-never-closed)
- at most `limit` requests in flight (retries count) → `bounded` in *twelve pages*
  and *503s are retried* (wrong/no-limit)
- `limit` whenever enough are waiting → `bounded` in *twelve pages* (wrong/batches)
- each attempt gets `timeout` seconds → *503s are retried... a stalled page times
  out*: every attempt at /stall is cut after exactly `timeout` (wrong/no-timeout,
  wrong/timeout-per-path)
- an attempt that times out, loses its connection or gets a 5xx is retried, up to
  `retries` more times → the same scenario: /flaky, /down, /stall and /drop
  (wrong/no-retry, wrong/retry-forever, wrong/dropped-connection-not-retried)
- a dict of each path's body, or None when every attempt failed → every scenario
- (the lesson's premise) no blocking HTTP call on the loop → generic `blocking`, kept
  when the blocked grade runs out of time (wrong/urllib-on-the-loop)
- retrying straight away or after a pause: either is accepted (nothing to check)
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import aiohttp
from aiohttp import web

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour", "concurrency", "bounded"]
REQUIRES = ['aiohttp']  # third-party packages (requirements.txt) the exercise imports

SIGNATURE = "async def fetch_all(base_url: str, paths: list[str], *, limit: int, timeout: float, retries: int) -> dict[str, str | None]"


class Site:
    """The grader's HTTP server: what it was asked, when, and over which connections."""

    def __init__(self, trial: Trial, latency: dict[str, float], fail_first: dict[str, int],
                 drop_first: dict[str, int] | None = None) -> None:
        self.trial = trial
        self.latency = latency
        self.fail_first = fail_first  # path -> how many attempts get a 503 first (-1: every one)
        self.drop_first = drop_first or {}  # path -> how many attempts lose their connection first
        self.attempts: dict[str, list[tuple[float, float | None, int]]] = {}  # path -> (start, end, status)
        self.in_flight = 0
        self.peak = 0
        self.connections_opened = 0
        self.connections_open = 0
        self.base_url = ""

    async def handle(self, request: web.BaseRequest) -> web.Response:
        path = request.path
        tries = self.attempts.setdefault(path, [])
        index = len(tries)
        tries.append((self.trial.now, None, 0))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        status = 0
        try:
            if path == "/stall":
                await asyncio.get_running_loop().create_future()  # never answers
            await asyncio.sleep(self.latency.get(path, 0.1))
            if path in self.drop_first and index < self.drop_first[path]:
                if request.transport is not None:
                    request.transport.abort()  # the connection breaks before any answer is sent
                return web.Response(status=500)  # goes nowhere: the connection is gone
            failing = self.fail_first.get(path, 0)
            status = 503 if failing < 0 or index < failing else 200
            if status == 503:
                return web.Response(status=503, text="busy, try again")
            return web.Response(text=body(path))
        finally:
            self.in_flight -= 1
            tries[index] = (tries[index][0], self.trial.now, status)

    def spans(self) -> list[tuple[float, float]]:
        return [(start, end if end is not None else self.trial.now) for tries in self.attempts.values() for start, end, _ in tries]


def body(path: str) -> str:
    return f"<page {path}>"


class CountingServer(web.Server):
    site: Site

    def connection_made(self, handler: Any, transport: Any) -> None:
        self.site.connections_opened += 1
        self.site.connections_open += 1
        super().connection_made(handler, transport)

    def connection_lost(self, handler: Any, exc: BaseException | None = None) -> None:
        self.site.connections_open -= 1
        super().connection_lost(handler, exc)


@asynccontextmanager
async def serving(t: Trial, latency: dict[str, float], fail_first: dict[str, int] | None = None,
                  drop_first: dict[str, int] | None = None) -> AsyncIterator[Site]:
    """Runs the grader's server on a free port of 127.0.0.1 for the length of the block."""
    site = Site(t, latency, fail_first or {}, drop_first)
    server = CountingServer(site.handle, handler_cancellation=True, access_log=None)
    server.site = site
    runner = web.ServerRunner(server, shutdown_timeout=0.5)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    host, port = runner.addresses[0][:2]
    site.base_url = f"http://{host}:{port}"
    try:
        yield site
    finally:
        await runner.cleanup()


class Sessions:
    """Counts the aiohttp.ClientSession objects made while it is installed."""

    def __init__(self) -> None:
        self.made: list[aiohttp.ClientSession] = []
        self._original = aiohttp.ClientSession.__init__

    def __enter__(self) -> Sessions:
        sessions, original = self, self._original

        def counting_init(session: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
            sessions.made.append(session)
            original(session, *args, **kwargs)

        aiohttp.ClientSession.__init__ = counting_init  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        aiohttp.ClientSession.__init__ = self._original  # type: ignore[method-assign]


class Outcome:
    """What one call of fetch_all did: its result, or the transient error that escaped it, or that it never returned."""

    def __init__(self) -> None:
        self.got: Any = None
        self.finished = False
        self.escaped: BaseException | None = None  # an aiohttp error or timeout that came out of fetch_all


async def run(t: Trial, site: Site, paths: list[str], *, limit: int, timeout: float, retries: int,
              patience: float = 120.0) -> tuple[Outcome, Sessions]:
    fetch_all = t.function("fetch_all", is_async=True, signature=SIGNATURE)
    outcome = Outcome()
    with Sessions() as sessions:
        try:
            async with asyncio.timeout(patience):
                try:
                    outcome.got = await t.call(fetch_all, site.base_url, list(paths), limit=limit, timeout=timeout,
                                               retries=retries)
                except (aiohttp.ClientError, asyncio.TimeoutError) as error:  # (our patience arrives as cancellation)
                    outcome.escaped = error
            outcome.finished = True
        except TimeoutError:
            outcome.finished = False
    await asyncio.sleep(0.05)  # let closed connections reach the server
    return outcome, sessions


def escaped_words(error: BaseException) -> str:
    """How to tell the learner that a transient failure escaped fetch_all."""
    if isinstance(error, asyncio.TimeoutError):
        what = "an attempt timed out"
    else:
        what = f"an attempt failed with {type(error).__name__} ({error})"
    return (f"fetch_all raised: {what}, and the error came out of fetch_all instead of being retried. Timeouts, "
            "lost connections and 5xx answers are all transient: each is worth another attempt (up to `retries` "
            "more), and after the last one the path maps to None.")


def judge_resources(t: Trial, site: Site, sessions: Sessions, requests: int) -> None:
    made = len(sessions.made)
    t.expect("behaviour", made <= 1,
             f"fetch_all made {made} aiohttp.ClientSession objects for {requests} requests. A session holds a pool of "
             "connections to reuse, so one session, shared by every request, is all a call needs.")
    still = [s for s in sessions.made if not s.closed]
    t.expect("behaviour", not still and site.connections_open == 0,
             f"when fetch_all returned, {site.connections_open} connection(s) to the server were still open"
             + (" and its ClientSession was never closed" if still else "")
             + ": the session, and with it every connection, should be closed before fetch_all returns (`async with` "
             "closes it however the block ends).",
             "one session, closed, with no connection left open")


def shortfall(spans: list[tuple[float, float]], limit: int) -> tuple[float, float, int, int] | None:
    """The first stretch with fewer requests in flight than min(limit, requests left)."""
    moments = sorted({x for span in spans for x in span})
    total = len(spans)
    for begin, end in zip(moments, moments[1:]):
        count = sum(1 for s, e in spans if s <= begin and e >= end)
        done = sum(1 for _, e in spans if e <= begin)
        if count < min(limit, total - done):
            return begin, end, count, min(limit, total - done)
    return None


LATENCY = {f"/items/{n}": 0.1 + (n * 7 % 5) * 0.1 for n in range(1, 13)}


def returned(t: Trial, outcome: Outcome, call: str) -> bool:
    """Fails `behaviour` (and says why) when fetch_all did not return a result."""
    if outcome.escaped is not None:
        t.fail("behaviour", escaped_words(outcome.escaped))
        t.consequences("behaviour", "leaked-tasks")  # the other fetches it abandoned on the way out
        return False
    if not outcome.finished:
        t.fail("behaviour", f"{call} had not returned after 120 s.")
        return False
    return True


@scenario("twelve pages, limit 3: one session, three requests in flight until the work runs out")
async def twelve(t: Trial) -> None:
    paths = list(LATENCY)
    async with serving(t, LATENCY) as site:
        outcome, sessions = await run(t, site, paths, limit=3, timeout=2.0, retries=2)
        if not returned(t, outcome, "fetch_all(12 paths, limit=3)"):
            return
        got = outcome.got
        expected = {p: body(p) for p in paths}
        t.expect("behaviour", got == expected, f"fetch_all returned {t.show(got)}; expected {t.show(expected)}.")
        t.expect("concurrency", site.peak >= 2,
                 "the requests ran one after another, each waiting for the one before: start them all at once, and "
                 "let the limit hold back the ones over it.", "requests overlapped")
        t.expect("bounded", site.peak <= 3,
                 f"{site.peak} requests were in flight at once, but the limit is 3: every request has to pass one gate, "
                 "shared by all of them, that counts the free slots.", "never more than 3 requests in flight")
        gap = shortfall(site.spans(), 3)
        if gap is not None and 2 <= site.peak <= 3:  # one at a time is the concurrency check's business
            begin, end, count, allowed = gap
            t.fail("bounded", f"from {begin:g} s to {end:g} s only {count} request(s) were in flight while {allowed} were "
                              "allowed and pages were still waiting: the next request should start the moment any one "
                              "finishes, not when a whole batch has.")
        elif gap is None:
            t.passed("bounded", "the limit was used")
        judge_resources(t, site, sessions, len(paths))


@scenario("503s are retried, a page that always fails gives up, a stalled page times out without holding up the rest")
async def failures(t: Trial) -> None:
    latency = {"/a": 0.2, "/b": 0.5, "/flaky": 0.1, "/down": 0.15, "/stall": 0.0, "/c": 0.3, "/drop": 0.2, "/d": 0.25}
    fail_first = {"/flaky": 2, "/down": -1}
    drop_first = {"/drop": 2}  # aiohttp itself retries a GET once on a dropped connection: the second drop reaches the caller
    paths = ["/a", "/stall", "/flaky", "/b", "/down", "/c", "/drop", "/d"]
    timeout, retries = 1.0, 2
    async with serving(t, latency, fail_first, drop_first) as site:
        outcome, sessions = await run(t, site, paths, limit=3, timeout=timeout, retries=retries)
        stalled = site.attempts.get("/stall", [])
        if outcome.escaped is not None:
            t.fail("behaviour", escaped_words(outcome.escaped))
            t.consequences("behaviour", "leaked-tasks")  # the other fetches it abandoned on the way out
            return
        if not outcome.finished:
            t.fail("behaviour", "fetch_all had not returned after 120 s: the request to /stall never gets an answer, and "
                                "without a time limit per attempt it waits for ever. Each attempt should give up after "
                                "`timeout` seconds.")
            return
        got = outcome.got
        cut_short = [(p, s, e) for p, tries in site.attempts.items() if p != "/stall" for s, e, _ in tries
                     if e is not None and e - s < latency[p] - 1e-6 and p not in drop_first]
        if cut_short:
            p, s, e = cut_short[0]
            t.fail("behaviour", f"the attempt at {p} that started at {s:g} s was abandoned after {e - s:g} s, though the "
                                f"server answers it in {latency[p]:g} s and the limit is {timeout:g} s per attempt. Each "
                                "attempt should get its own `timeout` seconds, counted from when that attempt starts "
                                "(not one limit shared by a path's attempts, or by the whole call).")
        expected = {p: (None if p in ("/down", "/stall") else body(p)) for p in paths}
        flaky = len(site.attempts.get("/flaky", []))
        t.expect("behaviour", isinstance(got, dict) and got.get("/flaky") == body("/flaky"),
                 f"/flaky answers 503 twice, then 200. fetch_all returned {t.show(got.get('/flaky') if isinstance(got, dict) else got)} "
                 f"for it after {flaky} attempt(s), though retries={retries} allows {retries + 1}: a 5xx answer is "
                 "transient, worth another attempt until the attempts run out. (If a time limit stopped it, that "
                 "limit should cover each attempt on its own, not all of a path's attempts together.)")
        t.expect("behaviour", isinstance(got, dict) and got.get("/drop") == body("/drop"),
                 f"the connection to /drop broke before any answer (twice, so aiohttp's own single retry failed too), "
                 f"the next attempt would have succeeded, and "
                 f"fetch_all returned {t.show(got.get('/drop') if isinstance(got, dict) else got)} for it: a lost "
                 "connection (an aiohttp.ClientError) is as transient as a 503; retry it.")
        t.expect("behaviour", got == expected, f"fetch_all returned {t.show(got)}; expected {t.show(expected)}.")
        too_many = {p: len(v) for p, v in site.attempts.items() if len(v) > retries + 1}
        t.expect("behaviour", not too_many,
                 f"the server saw {t.show(too_many)} attempts with retries={retries}: give up after one attempt and "
                 f"{retries} retries (that path maps to None).", "retries stopped after `retries` more attempts")
        down = len(site.attempts.get("/down", []))
        t.expect("behaviour", down >= retries + 1,
                 f"/down always answers 503; it was tried {down} time(s), but with retries={retries} it should be "
                 f"tried {retries + 1} times before giving up.")
        cut = [(s, e) for s, e, _ in stalled if e is None or not t.close(e - s, timeout)]
        t.expect("behaviour", len(stalled) == retries + 1 and not cut,
                 f"/stall never answers; each attempt should be abandoned after exactly {timeout:g} s and retried, "
                 f"{retries + 1} attempts in all, but the server saw {[(round(s, 3), None if e is None else round(e, 3)) for s, e, _ in stalled]} "
                 "(start, end). The time limit belongs to each attempt, not to the whole fetch of a path.")
        others = [(p, s, e) for p, tries in site.attempts.items() if p != "/stall" for s, e, _ in tries]
        slow = [(p, round(e - s, 3)) for p, s, e in others
                if e is not None and e - s > latency[p] + 1e-6 and p not in drop_first]
        t.expect("concurrency", not slow and site.peak >= 2,
                 f"while /stall hung, other requests took longer than the server's latency: {slow}" if slow else
                 "the requests ran one at a time, so /stall held up everything behind it: run them concurrently.",
                 "the stalled request held up nobody")
        t.expect("bounded", site.peak <= 3,
                 f"{site.peak} requests were in flight at once, but the limit is 3 (retries count too).",
                 "never more than 3 requests in flight")
        judge_resources(t, site, sessions, sum(len(v) for v in site.attempts.values()))


@scenario("no paths, and a limit larger than the work")
async def sizes(t: Trial) -> None:
    async with serving(t, LATENCY) as site:
        outcome, sessions = await run(t, site, [], limit=4, timeout=1.0, retries=1)
        if not returned(t, outcome, "fetch_all with no paths"):
            return
        t.expect("behaviour", outcome.got == {}, f"fetch_all with no paths returned {t.show(outcome.got)}; it should return {{}}.")
        paths = ["/items/3", "/items/1"]
        outcome, sessions = await run(t, site, paths, limit=10, timeout=1.0, retries=1)
        if not returned(t, outcome, f"fetch_all({paths}, limit=10)"):
            return
        t.expect("behaviour", outcome.got == {p: body(p) for p in paths}, f"fetch_all returned {t.show(outcome.got)} for {paths}.")
        t.expect("concurrency", site.peak == 2, f"two pages with limit=10 should be fetched at once; {site.peak} were in flight.")
        judge_resources(t, site, sessions, 2)
