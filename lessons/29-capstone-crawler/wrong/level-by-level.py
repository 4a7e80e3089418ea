# expect: fail concurrency
# Level by level: each level waits for the slowest page of the one before.
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
    turns: dict[str, HostTurns] = {}
    places = asyncio.Semaphore(concurrency)
    per_request = aiohttp.ClientTimeout(total=timeout)

    async def fetch(session: aiohttp.ClientSession, url: str) -> set[str]:
        host = urlsplit(url).netloc
        for tries in range(retries + 1):
            retry_after = None
            try:
                async with places:
                    await turns.setdefault(host, HostTurns(1 / per_host_rate)).wait()
                    async with session.get(url, allow_redirects=False, timeout=per_request) as response:
                        if response.status == 200:
                            return {normalise(link, url) for link in links_in(await response.text())}
                        if 300 <= response.status < 400 and "Location" in response.headers:
                            return {normalise(response.headers["Location"], url)}
                        if response.status < 500:
                            return set()
                        retry_after = response.headers.get("Retry-After")
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            if tries < retries:
                wait = backoff * 2 ** tries
                if retry_after is not None and retry_after.isdigit():
                    wait = max(wait, int(retry_after))
                await asyncio.sleep(wait)
        return set()

    async with aiohttp.ClientSession() as session:
        level = [start]
        for depth in range(max_depth + 1):  # a whole level, then the next: the slowest page of each holds up the rest
            found = await asyncio.gather(*(fetch(session, url) for url in level))
            graph.update(zip(level, found))
            level = []
            if depth < max_depth:
                for links in found:
                    for link in sorted(links - seen):
                        seen.add(link)
                        level.append(link)
    return graph
