# expect: fail cancellation
# When crawl is cancelled, its workers are never told: they go on crawling after it.
import asyncio
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp


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


# -- the crawler ------------------------------------------------------------------------------


def normalise(link: str, page: str) -> str:
    """`link`, found on `page`, as the one spelling every link to the same page shares."""
    scheme, host, path, query, _fragment = urlsplit(urljoin(page, link))
    path = urljoin("/", path or "/")  # resolves "." and ".." segments; an empty path is "/"
    return urlunsplit((scheme.lower(), host.lower(), path, query, ""))


class HostTurns:
    """Requests to one host start at least `interval` seconds apart, in the order they asked."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_free = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        mine = max(now, self.next_free)
        self.next_free = mine + self.interval  # booked before sleeping: nobody else gets this turn
        await asyncio.sleep(mine - now)


async def crawl(start: str, *, max_depth: int, concurrency: int, per_host_rate: float, timeout: float,
                retries: int, backoff: float) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    seen = {start}
    frontier: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    frontier.put_nowait((start, 0))
    turns: dict[str, HostTurns] = {}
    per_request = aiohttp.ClientTimeout(total=timeout)

    async def attempt(session: aiohttp.ClientSession, url: str) -> tuple[int, str, str | None, str | None]:
        host = urlsplit(url).netloc
        await turns.setdefault(host, HostTurns(1 / per_host_rate)).wait()
        async with session.get(url, allow_redirects=False, timeout=per_request) as response:
            body = await response.text() if response.status == 200 else ""
            return response.status, body, response.headers.get("Location"), response.headers.get("Retry-After")

    async def fetch(session: aiohttp.ClientSession, url: str) -> set[str]:
        for tries in range(retries + 1):
            retry_after = None
            try:
                status, body, location, retry_after = await attempt(session, url)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = None  # a timeout or a broken connection: worth another try
            if status is not None and status < 500:
                if status == 200:
                    return {normalise(link, url) for link in links_in(body)}
                if 300 <= status < 400 and location:
                    return {normalise(location, url)}  # a redirect: its target is its one link
                return set()  # 404 and the like: nothing to follow, nothing to retry
            if tries < retries:
                wait = backoff * 2 ** tries
                if retry_after is not None and retry_after.isdigit():
                    wait = max(wait, int(retry_after))
                await asyncio.sleep(wait)
        return set()

    async def worker(session: aiohttp.ClientSession) -> None:
        while True:
            url, depth = await frontier.get()
            try:
                links = await fetch(session, url)
                graph[url] = links
                if depth < max_depth:
                    for link in links:
                        if link not in seen:
                            seen.add(link)  # marked before anything awaits: no page is queued twice
                            frontier.put_nowait((link, depth + 1))
            finally:
                frontier.task_done()

    async with aiohttp.ClientSession() as session:
        workers = [asyncio.create_task(worker(session)) for _ in range(concurrency)]
        await frontier.join()
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return graph
