import asyncio
from html.parser import HTMLParser
from typing import Awaitable, Callable, TypeVar

import aiohttp
import yarl

T = TypeVar("T")


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.found += [value for name, value in attrs if name == "href" and value]


def links_in(html: str) -> list[str]:
    """The href of every <a> tag in `html`, as written (relative or not, in page order)."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.found


class TokenBucket:
    """`rate` permits a second, no burst: each permit is due 1/rate after the one before."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.due = 0.0
        self.turn = asyncio.Lock()

    async def acquire(self) -> None:
        async with self.turn:
            loop = asyncio.get_running_loop()
            if self.due > loop.time():
                await asyncio.sleep(self.due - loop.time())
            self.due = loop.time() + 1 / self.rate


class Retryable(Exception):
    def __init__(self, wait: float = 0.0) -> None:
        super().__init__(f"retry after {wait} s")
        self.wait = wait


async def with_retries(attempt: Callable[[], Awaitable[T]], *, retries: int, backoff: float) -> T:
    """Calls `attempt` until it does not raise Retryable, at most retries + 1 times; waits grow between."""
    for n in range(retries + 1):
        try:
            return await attempt()
        except Retryable as error:
            if n == retries:
                raise
            await asyncio.sleep(max(backoff * 2 ** n, error.wait))
    raise AssertionError("unreachable")


def absolute(link: str, page: str) -> str:
    url = yarl.URL(page).join(yarl.URL(link)).with_fragment(None)
    return str(url.with_path(url.path or "/"))


async def crawl(start: str, *, max_depth: int, concurrency: int, per_host_rate: float, timeout: float,
                retries: int, backoff: float) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    known = {start}
    todo: asyncio.Queue[tuple[str, int] | None] = asyncio.Queue()
    buckets: dict[str, TokenBucket] = {}

    async def links_of(session: aiohttp.ClientSession, url: str) -> set[str]:
        async def attempt() -> set[str]:
            await buckets.setdefault(yarl.URL(url).authority, TokenBucket(per_host_rate)).acquire()
            try:
                async with asyncio.timeout(timeout), session.get(url, allow_redirects=False) as response:
                    if response.status >= 500:
                        after = response.headers.get("Retry-After", "")
                        raise Retryable(float(after) if after.isdigit() else 0.0)
                    if response.status == 200:
                        return {absolute(link, url) for link in links_in(await response.text())}
                    if 300 <= response.status < 400:
                        location = response.headers.get("Location")
                        return {absolute(location, url)} if location else set()
                    return set()
            except (aiohttp.ClientError, TimeoutError) as error:
                raise Retryable() from error

        try:
            return await with_retries(attempt, retries=retries, backoff=backoff)
        except Retryable:
            return set()

    async def worker(session: aiohttp.ClientSession) -> None:
        while (item := await todo.get()) is not None:
            url, depth = item
            try:
                graph[url] = await links_of(session, url)
                if depth < max_depth:
                    for link in graph[url] - known:
                        known.add(link)
                        todo.put_nowait((link, depth + 1))
            finally:
                todo.task_done()

    todo.put_nowait((start, 0))
    async with aiohttp.ClientSession() as session, asyncio.TaskGroup() as group:
        for _ in range(concurrency):
            group.create_task(worker(session))
        await todo.join()  # cancelled here, the TaskGroup cancels the workers and waits for them
        for _ in range(concurrency):
            todo.put_nowait(None)  # done: each worker takes one and stops
    return graph
