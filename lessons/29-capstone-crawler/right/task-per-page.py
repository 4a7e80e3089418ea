import asyncio
from html.parser import HTMLParser

import aiohttp
from yarl import URL


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


def canonical(link: str, page: str) -> str:
    url = URL(page).join(URL(link)).with_fragment(None)  # yarl resolves dot segments, lower-cases scheme and host
    return str(url.with_path(url.path or "/"))  # "http://host:port" and "http://host:port/" are one page


class Spacing:
    """Lets one caller through at a time, at least `gap` seconds after the one before."""

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self.lock = asyncio.Lock()
        self.last: float | None = None

    async def wait(self) -> None:
        async with self.lock:
            loop = asyncio.get_running_loop()
            if self.last is not None and self.last + self.gap > loop.time():
                await asyncio.sleep(self.last + self.gap - loop.time())
            self.last = loop.time()


async def crawl(start: str, *, max_depth: int, concurrency: int, per_host_rate: float, timeout: float,
                retries: int, backoff: float) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    seen: set[str] = set()
    places = asyncio.Semaphore(concurrency)
    spacing: dict[str, Spacing] = {}

    async def get_once(session: aiohttp.ClientSession, url: str) -> tuple[int, set[str], float | None]:
        parsed = URL(url)
        host = f"{parsed.host}:{parsed.port}"
        async with places:
            await spacing.setdefault(host, Spacing(1 / per_host_rate)).wait()
            async with asyncio.timeout(timeout):
                async with session.get(url, allow_redirects=False) as response:
                    if response.status == 200:
                        return 200, {canonical(link, url) for link in links_in(await response.text())}, None
                    if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                        return response.status, {canonical(response.headers["Location"], url)}, None
                    later = response.headers.get("Retry-After", "")
                    return response.status, set(), float(later) if later.isdigit() else None

    async def fetch(session: aiohttp.ClientSession, url: str) -> set[str]:
        for attempt in range(retries + 1):
            later = None
            try:
                status, links, later = await get_once(session, url)
                if status < 500:
                    return links
            except (aiohttp.ClientError, TimeoutError):
                pass
            if attempt < retries:
                await asyncio.sleep(max(backoff * 2 ** attempt, later or 0))
        return set()

    async with aiohttp.ClientSession() as session:
        async with asyncio.TaskGroup() as group:

            async def visit(url: str, depth: int) -> None:
                graph[url] = links = await fetch(session, url)
                if depth < max_depth:
                    for link in links:
                        discover(link, depth + 1)

            def discover(url: str, depth: int) -> None:
                if url not in seen:
                    seen.add(url)
                    group.create_task(visit(url, depth))

            discover(start, 0)
    return graph
