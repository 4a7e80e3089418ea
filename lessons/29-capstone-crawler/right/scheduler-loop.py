import asyncio
from collections import deque
from dataclasses import dataclass
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


def remove_dot_segments(path: str) -> str:
    """RFC 3986, section 5.2.4, for a path that starts with "/"."""
    out: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "..":
            if out:
                out.pop()
            if last:
                out.append("")
        elif segment == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def clean(link: str, page: str) -> str:
    parts = urlsplit(urljoin(page, link))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), remove_dot_segments(parts.path or "/"),
                       parts.query, ""))


@dataclass
class Job:
    url: str
    depth: int
    attempt: int = 0
    not_before: float = 0.0


async def get(session: aiohttp.ClientSession, url: str) -> tuple[int, str, dict[str, str]]:
    async with session.get(url, allow_redirects=False) as response:  # the session's timeout covers the body too
        body = await response.text() if response.status == 200 else ""
        return response.status, body, dict(response.headers)


async def crawl(start: str, *, max_depth: int, concurrency: int, per_host_rate: float, timeout: float,
                retries: int, backoff: float) -> dict[str, set[str]]:
    loop = asyncio.get_running_loop()
    graph: dict[str, set[str]] = {}
    seen = {start}
    waiting: deque[Job] = deque([Job(start, 0)])
    running: dict[asyncio.Task, Job] = {}
    host_free: dict[str, float] = {}  # host -> the moment its next request may start
    gap = 1 / per_host_rate

    def finished(job: Job, links: set[str]) -> None:
        graph[job.url] = links
        if job.depth < max_depth:
            for link in links:
                if link not in seen:
                    seen.add(link)
                    waiting.append(Job(link, job.depth + 1))

    def failed(job: Job, retry_after: str | None = None) -> None:
        if job.attempt >= retries:
            finished(job, set())
            return
        pause = backoff * 2 ** job.attempt
        if retry_after and retry_after.isdigit():
            pause = max(pause, float(retry_after))
        waiting.append(Job(job.url, job.depth, job.attempt + 1, loop.time() + pause))

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        try:
            while waiting or running:
                now = loop.time()
                wake: float | None = None
                for job in list(waiting):  # start whatever may start now, first come first served
                    if len(running) >= concurrency:
                        break
                    host = urlsplit(job.url).netloc
                    ready_at = max(job.not_before, host_free.get(host, now))
                    if ready_at <= now:
                        waiting.remove(job)
                        host_free[host] = now + gap
                        running[asyncio.create_task(get(session, job.url))] = job
                    elif wake is None or ready_at < wake:
                        wake = ready_at
                pause = None if wake is None or len(running) >= concurrency else wake - now
                if running:
                    done, _ = await asyncio.wait(running, timeout=pause, return_when=asyncio.FIRST_COMPLETED)
                else:
                    await asyncio.sleep(pause or 0)
                    done = set()
                for task in done:
                    job = running.pop(task)
                    try:
                        status, body, headers = task.result()
                    except (aiohttp.ClientError, asyncio.TimeoutError):
                        failed(job)
                        continue
                    if status >= 500:
                        failed(job, headers.get("Retry-After"))
                    elif status == 200:
                        finished(job, {clean(link, job.url) for link in links_in(body)})
                    elif 300 <= status < 400 and "Location" in headers:
                        finished(job, {clean(headers["Location"], job.url)})
                    else:
                        finished(job, set())
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
    return graph
