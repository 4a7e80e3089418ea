"""Grades 29-capstone-crawler, stage by stage: a polite, robust crawler of a real loopback site.

The grader serves a site from two real HTTP servers (aiohttp.web) on 127.0.0.1, two
hosts, inside the grade and on its virtual clock. The servers are the instrument: they
record every request (host, path, when it arrived, when it ended, how it was answered)
and which connections are still open. A later stage is graded once the stages before
it pass ("graded one by one"); every failure message names its stage. What "Your
exercise" asks, and the scenario that checks it:

Stage 1, the map
- GET pages with one aiohttp session, closed before crawl returns, nothing left open
  → every scenario (`behaviour`; wrong/session-never-closed)
- return the link graph: an entry for every page visited, its links normalised →
  *stage 1* (`behaviour`; wrong/resolves-against-the-start)

Stage 2, each page once
- every spelling of a page is the same page → *stage 2* (`behaviour`;
  wrong/urljoin-only)
- each page is visited once → *stage 1* and *stage 2* (a page found again while its
  fetch is on its way) (`behaviour`; wrong/checks-the-graph-not-a-seen-set)
- pages up to max_depth links away are visited, their links listed, no page further
  → *stage 2*, with max_depth 2 and 0 (`behaviour`; wrong/depth-off-by-one)

Stage 3, politely
- at most `concurrency` requests in flight → *stage 3, politely* (`bounded`;
  wrong/no-concurrency-limit)
- requests to one host start at least 1/per_host_rate apart → the same scenario
  (`bounded`; wrong/no-rate-limit)
- each host has its own allowance → the same scenario (`bounded`;
  wrong/one-rate-limit-for-all-hosts)
- a slow page holds up nobody → *stage 3, a slow page* (`concurrency`;
  wrong/level-by-level)

Stage 4, robustly (the traps)
- each attempt gets `timeout` seconds, the whole answer included → *stage 4*: the
  never-ending page is abandoned after `timeout`, the slowish page is not cut
  (`behaviour`; wrong/timeout-not-covering-the-body)
- a 5xx, a timeout or a failed connection is retried, at most `retries` more times
  → *stage 4* (/busy, /flaky, /down, /endless, the dead host) (`behaviour`;
  wrong/no-retries, wrong/connection-errors-not-caught)
- before retry n wait at least `backoff * 2 ** (n - 1)` → *stage 4* (/flaky, /down)
  (`behaviour`; wrong/constant-backoff)
- after a 503 with Retry-After, wait at least that long → *stage 4* (/busy)
  (`behaviour`; wrong/ignores-retry-after)
- redirects are not followed by aiohttp: a 3xx's Location is its one link → *stage 4*
  (/loop/a, /loop/b) (`behaviour`; wrong/lets-aiohttp-follow-redirects)
- only a 200's links count; other answers have none and are not retried → *stage 4*
  (/gone, a 404 page with a link) (`behaviour`; wrong/follows-error-pages)

Stage 5, cleanly
- cancelled, crawl stops at once: no new request, requests in flight abandoned,
  every task it started finished, the session closed, and the CancelledError comes
  out → *stage 5* (`cancellation`; wrong/workers-left-running,
  wrong/swallows-cancellation)

The verdict lists which traps were handled (a note), and stage 4's timeline shows the crawl.
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp
from aiohttp import web

from asynclings_harness import Abort, Trial, scenario
from asynclings_harness.tracking import Span

CHECKS = ["behaviour", "concurrency", "bounded", "cancellation"]
REQUIRES = ["aiohttp"]  # third-party packages (requirements.txt) the exercise imports

SIGNATURE = ("async def crawl(start: str, *, max_depth: int, concurrency: int, per_host_rate: float, "
             "timeout: float, retries: int, backoff: float) -> dict[str, set[str]]")
EPSILON = 1e-6
CHUNK_EVERY = 0.25  # the never-ending page sends a little more this often
PATIENCE = 120.0  # virtual seconds the grader waits for a crawl to return


# -- the site ---------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of the grader's site. Links are written as a page would: relative, absolute, odd."""

    links: list[str] = field(default_factory=list)
    latency: float = 0.1
    fail_first: int = 0  # answer 503 this many times first (-1: every time)
    retry_after: int | None = None  # the Retry-After seconds those 503s carry
    redirect: str | None = None  # answer 302 with this Location
    status: int = 200  # another status (a 404 error page, with its links)
    endless: bool = False  # 200, then a little more every CHUNK_EVERY seconds, for ever


@dataclass
class Hit:
    """One request the site answered (or was still answering)."""

    host: str
    path: str
    start: float
    end: float | None = None
    status: int | None = None  # None: the client went away before an answer was complete
    span: Span | None = None


class Site:
    """The grader's two hosts, A and B, and a closed port (a dead host), on 127.0.0.1."""

    def __init__(self, t: Trial, pages: dict[str, Page]) -> None:
        self.t = t
        self.pages = pages  # "A/path" or "B/path" -> Page
        self.hits: list[Hit] = []
        self.addresses: dict[str, str] = {}  # "A" -> "127.0.0.1:port"
        self.connections_open = 0
        self.rows: dict[str, Span] = {}  # the timeline: a row per page, from its first request to its last

    def url(self, key: str) -> str:
        """"A/blog/" -> "http://127.0.0.1:port/blog/"."""
        host, _, path = key.partition("/")
        return f"http://{self.addresses[host]}/{path}"

    def key_of(self, url: str) -> str:
        """The inverse of url(): "A/blog/" for a URL of host A, else the URL itself."""
        for host, address in self.addresses.items():
            prefix = f"http://{address}/"
            if url.startswith(prefix):
                return f"{host}/{url[len(prefix):]}"
            if url == f"http://{address}":
                return f"{host}/"
        return url

    def shown(self, url: str) -> str:
        """A URL as messages show it: the path on host A, `B:/path` on host B."""
        key = self.key_of(url)
        if key.startswith("A/"):
            return key[1:]
        if key.startswith("B/"):
            return "B:" + key[1:]
        if key.startswith("DEAD/"):
            return "DEAD:" + key[4:]
        return url

    def fill(self, href: str) -> str:
        for host, address in self.addresses.items():
            href = href.replace("{" + host + "}", address)
        return href

    def hits_of(self, key: str) -> list[Hit]:
        host, _, path = key.partition("/")
        return [h for h in self.hits if h.host == host and h.path == "/" + path]

    async def handle(self, host: str, request: web.BaseRequest) -> web.StreamResponse:
        path = request.path
        page = self.pages.get(host + path)
        earlier = sum(1 for h in self.hits if h.host == host and h.path == path)
        hit = Hit(host, path, self.t.now)
        label = f"GET {'' if host == 'A' else host + ':'}{path}"
        row = self.rows.get(label)
        if row is None:
            row = self.rows[label] = Span("task", label, hit.start, None)
            self.t.io_span(row)
        row.end = None
        hit.span = Span("io", label, hit.start, None, task=label)
        self.t.io_span(hit.span)
        self.hits.append(hit)
        try:
            await asyncio.sleep(page.latency if page else 0.05)
            if page is None:
                return self.answer(hit, web.Response(status=404, text="not found"))
            if page.fail_first < 0 or earlier < page.fail_first:
                headers = {"Retry-After": str(page.retry_after)} if page.retry_after is not None else {}
                return self.answer(hit, web.Response(status=503, text="busy, try later", headers=headers))
            if page.redirect is not None:
                return self.answer(hit, web.Response(status=302, headers={"Location": self.fill(page.redirect)}))
            if page.endless:
                return await self.never_ending(hit, request)
            return self.answer(hit, web.Response(status=page.status, text=self.html(page), content_type="text/html"))
        finally:
            hit.end = row.end = self.t.now
            if hit.span is not None:
                hit.span.end = hit.end
                hit.span.label += f" {hit.status or '✗'}"

    @staticmethod
    def answer(hit: Hit, response: web.Response) -> web.Response:
        hit.status = response.status
        return response

    def html(self, page: Page) -> str:
        anchors = "".join(f'<li><a href="{self.fill(href)}">a link</a></li>' for href in page.links)
        return f"<!doctype html><html><body><ul>{anchors}</ul></body></html>"

    async def never_ending(self, hit: Hit, request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write(b"<!doctype html><html><body>")
        while True:  # ends when the client goes away (the server cancels this handler)
            await asyncio.sleep(CHUNK_EVERY)
            await response.write(b"<p>and more</p>")


class CountingServer(web.Server):
    site: Site

    def connection_made(self, handler: Any, transport: Any) -> None:
        self.site.connections_open += 1
        super().connection_made(handler, transport)

    def connection_lost(self, handler: Any, exc: BaseException | None = None) -> None:
        self.site.connections_open -= 1
        super().connection_lost(handler, exc)


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def serving(t: Trial, pages: dict[str, Page]) -> AsyncIterator[Site]:
    """Runs hosts A and B on free ports of 127.0.0.1 for the length of the block."""
    site = Site(t, pages)
    runners = []
    try:
        for host in ("A", "B"):
            server = CountingServer(lambda request, host=host: site.handle(host, request), handler_cancellation=True,
                                    access_log=None)
            server.site = site
            runner = web.ServerRunner(server, shutdown_timeout=0.5)
            await runner.setup()
            runners.append(runner)
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            address, port = runner.addresses[0][:2]
            site.addresses[host] = f"{address}:{port}"
        site.addresses["DEAD"] = f"127.0.0.1:{closed_port()}"
        yield site
    finally:
        for runner in runners:
            await runner.cleanup()


# -- running the learner's crawl --------------------------------------------------------------


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


@dataclass
class Params:
    max_depth: int
    concurrency: int
    per_host_rate: float
    timeout: float
    retries: int
    backoff: float

    def shown(self) -> str:
        return ", ".join(f"{name}={value:g}" for name, value in vars(self).items())


@dataclass
class Crawl:
    """What one call of crawl did."""

    got: Any = None
    finished: bool = False
    escaped: BaseException | None = None  # an aiohttp error or a timeout that came out of crawl
    open_at_the_end: list[Hit] = field(default_factory=list)  # requests still open when the grader gave up
    sessions: Sessions = field(default_factory=Sessions)


class Stage:
    """One stage of the exercise: graded once the stages before it pass; its messages say which it is."""

    passed: set[int] = set()  # stages whose every scenario so far passed
    failed: set[int] = set()

    def __init__(self, t: Trial, number: int, name: str) -> None:
        self.t, self.number, self.name = t, number, name
        waiting = [n for n in range(1, number) if n not in Stage.passed or n in Stage.failed]
        if waiting:
            t.note(f"stage {number} ({name}) is graded once stage {waiting[0]} passes")
            raise Abort(f"stage {waiting[0]} first")

    def fail(self, check: str, message: str) -> None:
        self.t.fail(check, f"Stage {self.number} ({self.name}): {message}")

    def expect(self, check: str, condition: bool, message: str, success: str | None = None) -> bool:
        if not condition:
            self.fail(check, message)
        elif success:
            self.t.passed(check, success)
        else:
            self.t.passed(check)
        return bool(condition)

    def done(self) -> None:
        (Stage.failed if self.t.failed_ids else Stage.passed).add(self.number)


async def run_crawl(t: Trial, site: Site, params: Params, start: str = "A/") -> Crawl:
    crawl = t.function("crawl", is_async=True, signature=SIGNATURE)
    outcome = Crawl()
    with outcome.sessions:
        task = t.spawn(t.call(crawl, site.url(start), **vars(params)))
        await asyncio.wait([task], timeout=PATIENCE)
        if not task.done():
            outcome.open_at_the_end = [h for h in site.hits if h.end is None]
            task.cancel()
            await asyncio.wait([task], timeout=10)
    await asyncio.sleep(0.05)  # let closed connections reach the server
    if task.done() and not task.cancelled():
        error = task.exception()
        if isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError)):
            outcome.escaped = error
        elif error is not None:
            raise error  # the learner's own exception: the run check shows where it came from
        else:
            outcome.got, outcome.finished = task.result(), True
    return outcome


def returned(stage: Stage, site: Site, outcome: Crawl) -> bool:
    """Fails `behaviour` (and says why) when crawl did not return a graph."""
    t = stage.t
    if outcome.escaped is not None:
        error = outcome.escaped
        what = "a request timed out" if isinstance(error, asyncio.TimeoutError) else \
            f"a request failed with {type(error).__name__} ({error})"
        stage.fail("behaviour", f"crawl raised: {what}, and the error came out of crawl. One page's failure is not "
                                "the crawl's: a timeout or a broken connection is retried, and a page whose every "
                                "attempt failed is in the graph with no links.")
        t.consequences("behaviour", "leaked-tasks")
        return False
    if not outcome.finished:
        still = outcome.open_at_the_end
        waiting = (f" At that moment the site was still answering "
                   f"{', '.join(f'{site.shown(site.url(h.host + h.path))} (asked at {h.start:g} s)' for h in still[:3])}."
                   if still else "")
        stage.fail("behaviour", f"crawl had not returned after {PATIENCE:g} s.{waiting} Every attempt needs a time "
                                "limit that covers the whole answer, body included, and the crawl ends when no page is "
                                "left to visit.")
        t.consequences("behaviour", "leaked-tasks")
        return False
    if not isinstance(outcome.got, dict):
        stage.fail("behaviour", f"crawl returned {t.show(outcome.got)}; it should return a dict that maps each page "
                                "visited to the set of its links.")
        return False
    return True


def judge_resources(stage: Stage, site: Site, outcome: Crawl) -> None:
    made = len(outcome.sessions.made)
    stage.expect("behaviour", made <= 1,
                 f"crawl made {made} aiohttp.ClientSession objects. A session keeps connections to reuse: one for "
                 "the whole crawl is all it needs.")
    still = [s for s in outcome.sessions.made if not s.closed]
    stage.expect("behaviour", not still and site.connections_open == 0,
                 f"when crawl ended, {site.connections_open} connection(s) to the site were still open"
                 + (" and its ClientSession was never closed" if still else "")
                 + ": close the session before crawl returns (`async with` closes it however the block ends).")


# -- the graph ----------------------------------------------------------------------------------


def normalised(link: str, page: str) -> str:
    """The grader's own reading of the lesson's rules (for diagnosis, never for the expected graph)."""
    scheme, host, path, query, _ = urlsplit(urljoin(page, link))
    return urlunsplit((scheme.lower(), host.lower(), urljoin("/", path or "/"), query, ""))


def expected_graph(site: Site, graph: dict[str, list[str]]) -> dict[str, set[str]]:
    return {site.url(page): {site.url(link) for link in links} for page, links in graph.items()}


def judge_graph(stage: Stage, site: Site, got: dict[Any, Any], expected: dict[str, set[str]], params: Params) -> bool:
    """Compares the learner's graph with the site's, and names the first difference in the learner's terms."""
    show = site.shown
    odd_keys = [k for k in got if not isinstance(k, str)]
    if odd_keys:
        stage.fail("behaviour", f"the graph's keys should be the pages' URLs as strings; one is {stage.t.show(odd_keys[0])}.")
        return False
    unnormalised = [k for k in got if k not in expected and normalised(k, k) in expected]
    if unnormalised:
        key = unnormalised[0]
        stage.fail("behaviour", f"the graph has a key {key!r}, which is {show(normalised(key, key))} spelled another "
                                "way. Every page has one spelling: resolved against the page it was found on, without "
                                "its #fragment, with `.` and `..` resolved and the scheme and host in lower case.")
        return False
    extra = [k for k in got if k not in expected]
    if extra:
        stage.fail("behaviour", f"the graph has an entry for {show(extra[0])}, a page the crawl should not have visited "
                                f"({params.shown()}). " + why_not_visited(site, extra[0], expected, params))
        return False
    missing = [k for k in expected if k not in got]
    dead = [k for k in missing if site.key_of(k).startswith("DEAD/")]
    if dead:
        stage.fail("behaviour", f"the graph has no entry for {show(dead[0])}, a host where nothing listens: connecting "
                                "to it fails at once (aiohttp.ClientConnectorError, one of the aiohttp.ClientError). "
                                "A failed connection is worth retrying like a timeout, and after the last attempt the "
                                "page is in the graph with no links.")
        return False
    if missing:
        stage.fail("behaviour", f"the graph has no entry for {show(missing[0])}"
                                + (f" (nor {stage.t.count(len(missing) - 1, 'other page')})" if len(missing) > 1 else "")
                                + f". It is within max_depth={params.max_depth} links of the start: every page "
                                  "visited, even one whose every attempt failed, has an entry.")
        return False
    for page, links in expected.items():
        value = got[page]
        if not isinstance(value, (set, frozenset, list, tuple)):
            stage.fail("behaviour", f"the graph maps {show(page)} to {stage.t.show(value)}; it should map each page to "
                                    "the set of its links.")
            return False
        mine = set(value)
        if mine != links:
            stage.fail("behaviour", f"the graph maps {show(page)} to {sorted(map(show, mine))}, but that page links to "
                                    f"{sorted(map(show, links))}. " + why_links_differ(site, page, mine, links))
            return False
    return True


def why_not_visited(site: Site, url: str, expected: dict[str, set[str]], params: Params) -> str:
    linked = any(url in links for links in expected.values())
    if linked:
        return (f"It is a link of a page at depth {params.max_depth}: such a page is visited and its links listed, but "
                "they are not followed.")
    for page in expected:
        written = site.pages.get(site.key_of(page))
        for href in written.links if written else []:
            href = site.fill(href)
            if normalised(href, page) != url and any(normalised(href, other) == url for other in [*expected, url]):
                return (f"The link {href!r} on {site.shown(page)} leads to {site.shown(normalised(href, page))}: a "
                        "relative link is resolved against the URL of the page it is on.")
    return "No page within reach links to it."


def why_links_differ(site: Site, page: str, mine: set[str], links: set[str]) -> str:
    raw = [m for m in mine if isinstance(m, str) and m not in links and normalised(m, page) in links]
    if raw:
        return (f"{raw[0]!r} is a link as written on the page: resolve it against the page's URL, drop its #fragment, "
                "resolve `.` and `..`, and lower-case the scheme and host.")
    if not links and mine:
        return "Only a 200 answer's links count: an error page's links, or a failed page's, are not the site's."
    return "Every link of a page is in its set, once, normalised."


def once_each(stage: Stage, site: Site, allowed: dict[str, int] | None = None) -> bool:
    """No page requested more often than `allowed` (default once); a repeat names its spellings."""
    counts: dict[str, int] = {}
    for hit in site.hits:
        key = f"{hit.host}{hit.path}"
        counts[key] = counts.get(key, 0) + 1
    allowed = allowed or {}
    twice = {k: n for k, n in counts.items() if n > allowed.get(k, 1)}
    if twice:
        key, n = next(iter(twice.items()))
        stage.fail("behaviour", f"the site served {site.shown(site.url(key))} {n} times. Each page is visited once, "
                                "however many links lead to it and however they spell it: one set of the pages "
                                "already taken, checked and updated with no await in between.")
        return False
    return True


# -- stage 1 ------------------------------------------------------------------------------------

SITE_1 = {
    "A/": Page(["/about", "blog/", "http://{B}/"], latency=0.1),
    "A/about": Page(["/"], latency=0.3),
    "A/blog/": Page(["first", "second", "../about"], latency=0.2),
    "A/blog/first": Page(["/blog/"], latency=0.25),
    "A/blog/second": Page([], latency=0.15),
    "B/": Page(["guide", "http://{A}/"], latency=0.35),
    "B/guide": Page([], latency=0.1),
}
GRAPH_1 = {"A/": ["A/about", "A/blog/", "B/"], "A/about": ["A/"], "A/blog/": ["A/blog/first", "A/blog/second", "A/about"],
           "A/blog/first": ["A/blog/"], "A/blog/second": [], "B/": ["B/guide", "A/"], "B/guide": []}


@scenario("stage 1, the map: a small site on two hosts, crawled and mapped")
async def stage_1(t: Trial) -> None:
    stage = Stage(t, 1, "the map")
    params = Params(max_depth=3, concurrency=3, per_host_rate=50, timeout=5, retries=1, backoff=0.1)
    async with serving(t, SITE_1) as site:
        outcome = await run_crawl(t, site, params)
        if returned(stage, site, outcome):
            if judge_graph(stage, site, outcome.got, expected_graph(site, GRAPH_1), params):
                once_each(stage, site)
            judge_resources(stage, site, outcome)
    stage.done()


# -- stage 2 ------------------------------------------------------------------------------------

SITE_2 = {
    "A/": Page(["/a", "/a#top", "HTTP://{A}/a", "./a", "/x/../a", "/b", "b", "http://{A}"], latency=0.1),
    "A/a": Page(["/", "../", "/a/deep", "./a/deep#part", "/shared"], latency=0.2),
    "A/a/deep": Page(["/a", "/b"], latency=0.1),
    "A/b": Page(["/b/1", "http://{A}/b/./1", "shared"], latency=0.3),
    "A/shared": Page([], latency=0.2),  # found by /a, then by /b while it is being fetched
    "A/b/1": Page(["/b/1/2"], latency=0.1),
    "A/b/1/2": Page(["/b/1/2/3"], latency=0.1),
    "A/b/1/2/3": Page([], latency=0.1),
}
GRAPH_2 = {"A/": ["A/a", "A/b", "A/"], "A/a": ["A/", "A/a/deep", "A/shared"], "A/b": ["A/b/1", "A/shared"],
           "A/a/deep": ["A/a", "A/b"], "A/b/1": ["A/b/1/2"], "A/shared": []}


@scenario("stage 2, each page once: links spelled many ways, and a depth limit")
async def stage_2(t: Trial) -> None:
    stage = Stage(t, 2, "each page once")
    params = Params(max_depth=2, concurrency=3, per_host_rate=50, timeout=5, retries=1, backoff=0.1)
    async with serving(t, SITE_2) as site:
        outcome = await run_crawl(t, site, params)
        if returned(stage, site, outcome):
            if judge_graph(stage, site, outcome.got, expected_graph(site, GRAPH_2), params):
                once_each(stage, site)
            judge_resources(stage, site, outcome)
    if not t.failed_ids:
        params = Params(max_depth=0, concurrency=3, per_host_rate=50, timeout=5, retries=1, backoff=0.1)
        async with serving(t, SITE_2) as site:
            outcome = await run_crawl(t, site, params)
            if returned(stage, site, outcome):
                expected = {site.url("A/"): {site.url(k) for k in ("A/a", "A/b", "A/")}}
                visited = sorted({site.shown(site.url(h.host + h.path)) for h in site.hits})
                if stage.expect("behaviour", visited == ["/"],
                                f"with max_depth=0 the crawl visited {visited}: only the start page is at depth 0, "
                                "so it is the only page visited (its links are still listed)."):
                    judge_graph(stage, site, outcome.got, expected, params)
    TRAPS["duplicate URLs"] = not t.failed_ids
    stage.done()


# -- stage 3 ------------------------------------------------------------------------------------

SITE_3 = {
    "A/": Page(["/p1", "http://{B}/q1", "/p2", "http://{B}/q2", "/p3", "http://{B}/q3", "/p4", "http://{B}/q4"],
               latency=0.1),
    **{f"A/p{n}": Page([], latency=0.3 + 0.05 * n) for n in range(1, 5)},
    **{f"B/q{n}": Page([], latency=0.5 - 0.05 * n) for n in range(1, 5)},
}


def peak(spans: list[tuple[float, float]]) -> tuple[int, float]:
    """Most spans in flight over a stretch of time (a dip or rise within one instant does not count), and when."""
    moments = sorted({x for span in spans for x in span})
    best, when = 0, 0.0
    for begin, end in zip(moments, moments[1:]):
        count = sum(1 for s, e in spans if s <= begin and e >= end)
        if count > best:
            best, when = count, begin
    return best, when


def spans_of(site: Site) -> list[tuple[float, float]]:
    return [(h.start, h.end if h.end is not None else site.t.now) for h in site.hits]


@scenario("stage 3, politely: at most `concurrency` requests at once, each host at its own rate")
async def stage_3_politely(t: Trial) -> None:
    stage = Stage(t, 3, "politely")
    params = Params(max_depth=1, concurrency=3, per_host_rate=4, timeout=5, retries=1, backoff=0.1)
    interval = 1 / params.per_host_rate
    async with serving(t, SITE_3) as site:
        outcome = await run_crawl(t, site, params)
        if returned(stage, site, outcome):
            most, when = peak(spans_of(site))
            if most > params.concurrency:
                t.keep_timeline(learner_tasks=False)  # the requests in flight, drawn
            stage.expect("bounded", most <= params.concurrency,
                         f"from {when:g} s, {most} requests were in flight at once, but concurrency={params.concurrency}: "
                         "every request has to pass one gate, shared by the whole crawl, that counts the free places.",
                         f"never more than {params.concurrency} requests in flight")
            stage.expect("concurrency", most >= 2,
                         "the requests ran one at a time: with places for 3, the pages waiting could be fetched together.",
                         "requests overlapped")
            for host in ("A", "B"):
                starts = sorted(h.start for h in site.hits if h.host == host)
                close = [(a, b) for a, b in zip(starts, starts[1:]) if b - a < interval - EPSILON]
                if close:
                    a, b = close[0]
                    stage.fail("bounded", f"host {host} got requests at {a:g} s and {b:g} s, {b - a:g} s apart, but "
                                          f"per_host_rate={params.per_host_rate:g} allows one every {interval:g} s. Each "
                                          "host keeps the time of its next free turn; a request waits for its host's "
                                          "turn, then takes it (and retries and redirects are requests too).")
                    break
            else:
                a_starts = [h.start for h in site.hits if h.host == "A"]
                b_starts = [h.start for h in site.hits if h.host == "B"]
                nearest = min((abs(a - b) for a in a_starts for b in b_starts), default=0.0)
                stage.expect("bounded", nearest < interval - EPSILON,
                             f"no two requests to different hosts were less than {interval:g} s apart: the two hosts "
                             "shared one allowance. The rate limit is per host: a request to host B never waits for "
                             "host A's turn.",
                             f"each host at most {params.per_host_rate:g} requests a second, on its own allowance")
            if not t.failed_ids:
                judge_graph(stage, site, outcome.got,
                            {site.url("A/"): {site.url(k) for k in [*(f"A/p{n}" for n in range(1, 5)),
                                                                   *(f"B/q{n}" for n in range(1, 5))]},
                             **{site.url(k): set() for k in SITE_3 if k != "A/"}}, params)
            judge_resources(stage, site, outcome)
    stage.done()


SITE_3_SLOW = {
    "A/": Page(["/slow", "http://{B}/fast"], latency=0.1),
    "A/slow": Page([], latency=2.0),
    "B/fast": Page(["/fast/1"], latency=0.1),
    "B/fast/1": Page(["/fast/2"], latency=0.1),
    "B/fast/2": Page([], latency=0.1),
}


@scenario("stage 3, a slow page holds up nobody: the pages behind a fast one go on while it loads")
async def stage_3_slow_page(t: Trial) -> None:
    stage = Stage(t, 3, "politely")
    params = Params(max_depth=3, concurrency=2, per_host_rate=10, timeout=3, retries=1, backoff=0.1)
    async with serving(t, SITE_3_SLOW) as site:
        outcome = await run_crawl(t, site, params)
        if returned(stage, site, outcome):
            slow, last = site.hits_of("A/slow"), site.hits_of("B/fast/2")
            slow_end = slow[0].end if slow and slow[0].end is not None else t.now
            held = not last or last[0].start >= slow_end - EPSILON
            stage.expect("concurrency", not held,
                         f"/slow took {slow_end - slow[0].start if slow else 0:g} s, and B:/fast/2, two links behind "
                         "the fast page B:/fast, was only requested "
                         + (f"at {last[0].start:g} s, once /slow was done" if last else "never")
                         + ". A slow page should hold up nobody: while it loads, the other places keep fetching "
                           "whatever is waiting, from any depth (not level by level).",
                         "a slow page held up nobody")
            TRAPS["slow pages"] = not held
            if held:
                t.keep_timeline(learner_tasks=False)  # the picture: /slow's row, and the fast pages waiting behind it
            judge_graph(stage, site, outcome.got, expected_graph(site, {
                "A/": ["A/slow", "B/fast"], "A/slow": [], "B/fast": ["B/fast/1"], "B/fast/1": ["B/fast/2"],
                "B/fast/2": []}), params)
            judge_resources(stage, site, outcome)
    stage.done()


# -- stage 4: the traps -----------------------------------------------------------------------------

SITE_4 = {
    "A/": Page(["/busy", "/flaky", "/down", "/endless", "/slowish", "/loop/a", "/gone", "http://{DEAD}/", "/fine"],
               latency=0.1),
    "A/busy": Page(["/busy/thanks"], latency=0.1, fail_first=2, retry_after=2),
    "A/busy/thanks": Page([], latency=0.1),
    "A/flaky": Page([], latency=0.15, fail_first=1),
    "A/down": Page([], latency=0.1, fail_first=-1),
    "A/endless": Page([], latency=0.05, endless=True),
    "A/slowish": Page([], latency=0.8),
    "A/loop/a": Page(redirect="b", latency=0.05),
    "A/loop/b": Page(redirect="http://{A}/loop/a", latency=0.05),
    "A/gone": Page(["/from-an-error-page"], latency=0.05, status=404),
    "A/from-an-error-page": Page([], latency=0.05),
    "A/fine": Page([], latency=0.2),
}
GRAPH_4 = {
    "A/": ["A/busy", "A/flaky", "A/down", "A/endless", "A/slowish", "A/loop/a", "A/gone", "DEAD/", "A/fine"],
    "A/busy": ["A/busy/thanks"], "A/busy/thanks": [], "A/flaky": [], "A/down": [], "A/endless": [], "A/slowish": [],
    "A/loop/a": ["A/loop/b"], "A/loop/b": ["A/loop/a"], "A/gone": [], "DEAD/": [], "A/fine": [],
}
# The traps, in the order the note lists them; each is True (handled), False, or missing (not graded yet).
TRAP_NAMES = ["slow pages", "redirect loops", "503 bursts", "a page that never ends", "duplicate URLs",
              "error pages and dead hosts"]
TRAPS: dict[str, bool] = {}


def gaps(hits: list[Hit]) -> list[tuple[float, float]]:
    """(when attempt n ended, when attempt n + 1 started) for each retry."""
    return [(a.end if a.end is not None else a.start, b.start) for a, b in zip(hits, hits[1:])]


@scenario("stage 4, robustly: 503 bursts, a never-ending page, a redirect loop, an error page and a dead host")
async def stage_4(t: Trial) -> None:
    stage = Stage(t, 4, "robustly")
    t.keep_timeline(learner_tasks=False)  # the crawl, drawn: a row per page, a block per attempt
    params = Params(max_depth=3, concurrency=4, per_host_rate=20, timeout=1.0, retries=2, backoff=0.2)
    attempts = params.retries + 1
    async with serving(t, SITE_4) as site:
        outcome = await run_crawl(t, site, params)
        if not returned(stage, site, outcome):
            TRAPS[trap_that_broke(outcome)] = False
            note_traps(t)
            stage.done()
            return
        checks: dict[str, bool] = {}

        busy = site.hits_of("A/busy")
        early = [(end, start) for end, start in gaps(busy) if start - end < 2 - EPSILON]
        burst = stage.expect(
            "behaviour", len(busy) == 3 and not early,
            f"/busy answers 503 with `Retry-After: 2` twice, then 200. The site saw {len(busy)} attempt(s)"
            + (f", one {early[0][1] - early[0][0]:g} s after the 503 before it" if early else "")
            + ". A 503 is worth another attempt, and a server that says when to come back is telling you how long "
              "to wait: at least that long.")
        flaky, down = site.hits_of("A/flaky"), site.hits_of("A/down")
        expected_down = [params.backoff * 2 ** n for n in range(params.retries)]
        short = [(n + 1, start - end, expected_down[n]) for n, (end, start) in enumerate(gaps(down))
                 if start - end < expected_down[n] - EPSILON]
        short += [(1, start - end, params.backoff) for end, start in gaps(flaky) if start - end < params.backoff - EPSILON]
        burst &= stage.expect(
            "behaviour", len(down) == attempts and len(flaky) == 2 and not short,
            f"/down always answers 503 and /flaky once; the site saw {len(down)} attempt(s) at /down and "
            f"{len(flaky)} at /flaky (with retries={params.retries}: {attempts} and 2)"
            + (f"; retry {short[0][0]} came {short[0][1]:g} s after the failure before it, but should wait at least "
               f"{short[0][2]:g} s" if short else "")
            + f". A 5xx is retried up to `retries` more times, and each retry waits longer than the one before: at "
              f"least backoff × 2^(n−1) before retry n ({', '.join(f'{w:g}' for w in expected_down)} s here).")
        checks["503 bursts"] = burst

        endless = site.hits_of("A/endless")
        cut = [h for h in endless if h.end is None or h.end - h.start > params.timeout + EPSILON]
        ends = stage.expect(
            "behaviour", bool(endless) and not cut,
            f"/endless sends its headers at once and then a little more for ever; each attempt at it should be "
            f"abandoned {params.timeout:g} s after it started, but the site saw "
            f"{[(round(h.start, 3), None if h.end is None else round(h.end, 3)) for h in endless]} (start, end). The "
            "time limit covers the whole answer, body included, and belongs to each attempt.")
        ends &= stage.expect(
            "behaviour", not ends or len(endless) == attempts,
            f"each attempt at /endless was abandoned after {params.timeout:g} s, but the site saw {len(endless)} of "
            f"them; a timeout is as transient as a 503: with retries={params.retries}, {attempts} attempts.")
        checks["a page that never ends"] = ends
        slowish = site.hits_of("A/slowish")
        checks["slow pages"] = stage.expect(
            "behaviour", len(slowish) == 1 and slowish[0].status == 200,
            f"/slowish answers in 0.8 s, within the {params.timeout:g} s limit, yet the site saw "
            f"{len(slowish)} attempt(s){' cut short' if slowish and slowish[0].status != 200 else ''}. The time limit "
            "counts from when the request is sent, not from when the page was found or while it waited its turn.")

        loops = site.hits_of("A/loop/a") + site.hits_of("A/loop/b")
        checks["redirect loops"] = stage.expect(
            "behaviour", len(loops) == 2,
            f"/loop/a redirects to /loop/b and back; the site served them {len(loops)} times. A redirect is a page "
            "whose one link is its Location: visit it once, like any page, and the loop ends by itself. (aiohttp "
            "follows redirects by itself unless asked not to, so it never shows you the loop.)")
        gone, beyond = site.hits_of("A/gone"), site.hits_of("A/from-an-error-page")
        checks["error pages and dead hosts"] = stage.expect(
            "behaviour", len(gone) == 1 and not beyond,
            f"/gone answers 404 with an error page that has a link; the site served /gone {len(gone)} time(s)"
            + (" and followed the error page's link" if beyond else "")
            + ". A 4xx is final: no retry, and only a 200 answer's links are the site's.")
        if all(checks.values()):
            checks["error pages and dead hosts"] = judge_graph(stage, site, outcome.got, expected_graph(site, GRAPH_4),
                                                               params)
        judge_resources(stage, site, outcome)
        TRAPS.update({k: v for k, v in checks.items() if k != "slow pages"})
        TRAPS["slow pages"] = TRAPS.get("slow pages", True) and checks["slow pages"]
    note_traps(t)
    stage.done()


def trap_that_broke(outcome: Crawl) -> str:
    """The trap a crawl that never returned a graph fell into, as well as the grader can tell."""
    error = outcome.escaped
    if error is None or isinstance(error, asyncio.TimeoutError):
        return "a page that never ends"
    if isinstance(error, aiohttp.ClientConnectorError):
        return "error pages and dead hosts"
    if isinstance(error, aiohttp.TooManyRedirects):
        return "redirect loops"
    return "503 bursts"


def note_traps(t: Trial) -> None:
    marks = [f"{'✓' if TRAPS[name] else '✗'} {name}" for name in TRAP_NAMES if name in TRAPS]
    if marks:
        t.note("traps: " + " · ".join(marks))


# -- stage 5 ------------------------------------------------------------------------------------

SITE_5 = {
    "A/": Page([f"/slow/{n}" for n in range(1, 7)] + ["/stall"], latency=0.1),
    **{f"A/slow/{n}": Page([f"/slow/{n}/more"], latency=0.8 + 0.3 * n) for n in range(1, 7)},
    "A/stall": Page([], latency=1e9),
}
CANCEL_AT = 1.2
SHUTDOWN_GRACE = 1.0


@scenario("stage 5, cleanly: cancelled mid-crawl, it stops at once and leaves nothing behind")
async def stage_5(t: Trial) -> None:
    stage = Stage(t, 5, "cleanly")
    params = Params(max_depth=2, concurrency=2, per_host_rate=2, timeout=5, retries=2, backoff=0.5)
    crawl = t.function("crawl", is_async=True, signature=SIGNATURE)
    async with serving(t, SITE_5) as site:
        sessions = Sessions()
        with sessions:
            task = t.spawn(t.call(crawl, site.url("A/"), **vars(params)))
            await asyncio.sleep(CANCEL_AT)
            t.consequences("cancellation", "leaked-tasks", "unretrieved-exception")
            if task.done():
                stage.fail("cancellation", f"crawl ended before the grader cancelled it at {CANCEL_AT:g} s, with "
                                           f"pages still to visit: {t.show(task.result() if not task.exception() else task.exception())}.")
                stage.done()
                return
            task.cancel()
            try:
                async with asyncio.timeout(10):
                    await asyncio.wait([task])
            except TimeoutError:
                pass
            ended = t.now
        await asyncio.sleep(0.05)  # let closed connections reach the server
        late = [h for h in site.hits if h.start > CANCEL_AT + EPSILON]
        still = [h for h in site.hits if h.end is None]
        if not task.done():
            stage.fail("cancellation", f"crawl was cancelled at {CANCEL_AT:g} s and was still running 10 s later: "
                                       "a CancelledError is a request to stop now, so let it end the crawl.")
        elif not task.cancelled():
            result = None if task.exception() else task.result()
            what = (f"raised {type(task.exception()).__name__}" if task.exception() else
                    f"returned a graph of {t.count(len(result), 'page')}" if isinstance(result, dict) else
                    f"returned {t.show(result)}")
            stage.fail("cancellation", f"crawl was cancelled at {CANCEL_AT:g} s and {what}: the CancelledError should "
                                       "come out of crawl once it has cleaned up, so its caller knows it was stopped "
                                       "(catching it is fine only to clean up and raise it again).")
        elif ended - CANCEL_AT > SHUTDOWN_GRACE + EPSILON:
            stage.fail("cancellation", f"crawl was cancelled at {CANCEL_AT:g} s and took until {ended:g} s to stop: "
                                       "stopping means abandoning what is in flight, not finishing it.")
        elif t.found("leaked-tasks"):
            stage.fail("cancellation", f"crawl was cancelled at {CANCEL_AT:g} s and raised CancelledError, but tasks it "
                                       "had started were still running after it (the leaked-tasks line names them): a crawl that stops takes its "
                                       "tasks with it, cancelled and awaited before the CancelledError goes on.")
        elif late:
            stage.fail("cancellation", f"crawl was cancelled at {CANCEL_AT:g} s, yet the site got a request for "
                                       f"{site.shown(site.url(late[0].host + late[0].path))} at {late[0].start:g} s: "
                                       "every task the crawl started has to stop with it.")
        elif still or site.connections_open or any(not s.closed for s in sessions.made):
            stage.fail("cancellation", f"crawl was cancelled at {CANCEL_AT:g} s; once it had stopped, "
                                       f"{t.count(site.connections_open, 'connection')} to the site were still open: the "
                                       "requests in flight should be abandoned and the session closed on the way out.")
        else:
            t.passed("cancellation", "cancelled mid-crawl, it stopped at once: requests abandoned, tasks finished, "
                                     "session closed, CancelledError raised")
    stage.done()
