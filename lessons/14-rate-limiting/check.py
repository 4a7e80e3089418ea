"""Grades 14-rate-limiting: at most `limit` fetches in flight, exactly `limit` while there is work.

The fetches take different times, so fixed batches leave slots idle, and results
must still come back in url order. The last scenario runs under many schedules.
What "Your exercise" asks, and the scenario that checks it:

- the results of every fetch, in url order → every scenario (`behaviour`;
  wrong/completion-order)
- each url fetched exactly once → every scenario (wrong/shared-index-advanced-late)
- at most `limit` fetches in flight at any moment → `bounded` in every scenario
  (wrong/create-all-tasks, wrong/semaphore-per-fetch)
- exactly `limit` while enough urls are waiting → `bounded`, from the fetches'
  occupancy over virtual time (wrong/batches, wrong/polling-counter)
- under many schedules → *the same limits hold whatever the schedule* (explored)
"""

from __future__ import annotations

from typing import Any

from asynclings_harness import FakeAsync, Trial, scenario

CHECKS = ["behaviour", "bounded"]

SIGNATURE = "async def fetch_all(urls: list[str], fetch: Callable[[str], Awaitable[str]], limit: int) -> list[str]"


def page(url: str) -> str:
    return f"<html>{url}</html>"


def latency(url: str) -> float:
    """Between 0.1 and 0.5 s, different for neighbouring urls."""
    return 0.1 + (sum(map(ord, url)) % 5) * 0.1


async def run(t: Trial, urls: list[str], limit: int) -> tuple[FakeAsync, Any]:
    fetch_all = t.function("fetch_all", is_async=True, signature=SIGNATURE)
    fetch = t.fake_async("fetch", latency=latency, result=page, patch=False)
    got = await t.call(fetch_all, list(urls), fetch.function, limit)
    return fetch, got


def judge(t: Trial, urls: list[str], limit: int, fetch: FakeAsync, got: Any) -> None:
    expected = [page(u) for u in urls]
    shown = f"fetch_all({len(urls)} urls, fetch, limit={limit})"
    if isinstance(got, list) and sorted(got) == sorted(expected) and got != expected:
        t.fail("behaviour", f"{shown} returned the pages in the order the fetches finished. Return them in url "
                            "order: asyncio.gather keeps its arguments' order, whatever order they finish in.")
    else:
        t.expect("behaviour", got == expected, f"{shown} returned {t.show(got)}; expected {t.show(expected)}.")
    fetched = fetch.arguments()
    repeated = sorted({u for u in fetched if fetched.count(u) > 1})
    missing = [u for u in urls if u not in fetched]
    t.expect("behaviour", sorted(fetched) == sorted(urls),
             f"fetch was called {len(fetched)} times for {len(urls)} urls"
             + (f"; {repeated[0]} was fetched {fetched.count(repeated[0])} times" if repeated else "")
             + (f"; {missing[0]} was never fetched" if missing else "")
             + ". Every url should be fetched exactly once: once a url is taken, no other fetch may take it.")
    t.expect("bounded", fetch.peak <= limit,
             f"{fetch.peak} fetches were in flight at once, but the limit is {limit}. Every fetch has to pass one "
             "gate that counts the free slots, shared by all of them (a semaphore made once per fetch_all call; "
             "one made per fetch counts nothing).",
             f"never more than {limit} fetches in flight")
    gap = fetch.shortfall(limit, len(urls))
    if gap is not None:
        begin, end, count, allowed = gap
        t.fail("bounded", f"from {begin:g} s to {end:g} s only {count} fetch(es) were in flight while {allowed} were "
                          f"allowed and urls were still waiting: the limit was not used. Start the next fetch as soon "
                          "as any one finishes (a semaphore does this), not when a whole batch has finished, and "
                          "never sleep while urls are waiting.")
    else:
        t.passed("bounded", f"{limit} fetches in flight whenever there was enough work")


URLS = [f"https://example.com/item/{n}" for n in (3, 14, 15, 92, 65, 35, 89, 79, 32, 38)]


@scenario("ten urls, limit 3: three fetches in flight until the work runs out")
async def ten(t: Trial) -> None:
    fetch, got = await run(t, URLS, 3)
    judge(t, URLS, 3, fetch, got)


@scenario("a limit above the number of urls, a limit of 1, and no urls")
async def sizes(t: Trial) -> None:
    fetch, got = await run(t, URLS[:3], 10)
    judge(t, URLS[:3], 10, fetch, got)
    fetch, got = await run(t, URLS[3:7], 1)
    judge(t, URLS[3:7], 1, fetch, got)
    fetch, got = await run(t, [], 4)
    t.expect("behaviour", got == [], f"fetch_all([], fetch, 4) returned {t.show(got)}; it should return [].")


@scenario("the same limits hold whatever the schedule", explore=True)
async def schedules(t: Trial) -> None:
    urls = URLS[2:9]
    fetch, got = await run(t, urls, 2)
    judge(t, urls, 2, fetch, got)
