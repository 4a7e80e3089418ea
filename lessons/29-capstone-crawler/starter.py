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


async def crawl(start: str, *, max_depth: int, concurrency: int, per_host_rate: float, timeout: float,
                retries: int, backoff: float) -> dict[str, set[str]]:
    # Stage 1: fetch pages, follow their links, return the graph. This fetches the start page only.
    async with aiohttp.ClientSession() as session:
        async with session.get(start) as response:
            html = await response.text()
    return {start: set(links_in(html))}


async def main() -> None:
    import sys

    start = sys.argv[1] if len(sys.argv) > 1 else "https://example.com/"
    graph = await crawl(start, max_depth=1, concurrency=4, per_host_rate=2, timeout=10, retries=2, backoff=0.5)
    for page, links in sorted(graph.items()):
        print(page, "->", len(links), "links")


if __name__ == "__main__":
    asyncio.run(main())
