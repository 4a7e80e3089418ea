"""Grades 12-async-iterators: a lazy async generator over pages, closed however iteration ends.

The grader's database has pages of different sizes (one of a single row), so
fetching a page "one row too early" shows; it watches every page fetch and the
cursor's release. What "Your exercise" asks, and the scenario that checks it:

- `rows(query)` is an async generator that opens a cursor (once, with the query)
  → *rows yields every row in order* (`behaviour`; wrong/cursor-per-page)
- it yields every row of every page, in order → the same scenario
  (wrong/stops-at-short-page)
- it fetches a page only when its first row is asked for → the same scenario, which
  pauses after every row (wrong/fetch-everything-first, wrong/prefetch-next-page)
- each page exactly once → the same scenario (wrong/checks-page-twice)
- it stops at the first empty page → the same scenario and *no rows at all*
  (wrong/stops-at-short-page)
- it closes the cursor exactly once, at the end and on `aclose()` → *rows yields
  every row* and *stopping early with aclose()* (`cancellation`;
  wrong/cleanup-after-loop, wrong/closes-twice)
- `first_match` returns the first row `wanted` accepts, or None → *first_match
  returns the first match*, *first_match with no match* (wrong/returns-last-row)
- fetching no more pages than it needs → *first_match returns the first match*
  (wrong/collects-then-searches)
- the rows generator is closed by the time it returns → the same scenario
  (`cancellation`; wrong/break-without-closing)
"""

from __future__ import annotations

import asyncio
from typing import Any

from asynclings_harness import Abort, FakeAsync, Trial, scenario

CHECKS = ["behaviour", "cancellation"]

CURSOR = 7
PAGES = [["ant", "bee", "cat"], ["dog"], ["eel", "fox", "gnu", "hen"], ["ibis", "jay"]]


class Database:
    """The grader's open_cursor / fetch_page / close_cursor."""

    def __init__(self, t: Trial, pages: list[list[str]]) -> None:
        self.pages = pages
        self.open: FakeAsync = t.fake_async("open_cursor", latency=0.01, result=CURSOR)
        self.fetch: FakeAsync = t.fake_async(
            "fetch_page", latency=lambda cursor, page: 0.03 + 0.01 * (page % 3),
            result=lambda cursor, page: list(pages[page]) if 0 <= page < len(pages) else [])
        self.close: FakeAsync = t.fake_async("close_cursor", latency=0.01)

    def fetched(self) -> list[int]:
        return [c.args[1] if len(c.args) > 1 else None for c in self.fetch.calls]

    def closed_once(self) -> bool:
        calls = self.close.calls
        return len(calls) == 1 and calls[0].args == (CURSOR,) and calls[0].finished

    def closing_words(self) -> str:
        calls = self.close.calls
        if not calls:
            return "close_cursor was never called"
        if len(calls) > 1:
            return f"close_cursor was called {len(calls)} times"
        if calls[0].args != (CURSOR,):
            return f"close_cursor was called with {Trial.show(calls[0].args)}, not the cursor open_cursor returned ({CURSOR})"
        if not calls[0].finished:
            return "close_cursor was started but had not finished"
        return "close_cursor ran"


def start(t: Trial, query: str) -> Any:
    rows = t.function("rows", signature="async def rows(query: str) -> AsyncIterator[str]  (an async generator)")
    gen = rows(query)
    if hasattr(gen, "__anext__") and not hasattr(gen, "aclose"):
        t.fail("behaviour", f"rows('{query}') returned {t.show(gen)}: an async iterator, but one that cannot be closed "
                            "early (it has no aclose()). Make rows an async generator — `async def` with `yield` in its "
                            "body — and closing it comes for free.")
        raise Abort("rows")
    if not hasattr(gen, "__anext__"):
        if hasattr(gen, "close"):
            gen.close()  # a coroutine: close it quietly, the message below says what to do
        t.fail("behaviour", f"rows('{query}') returned {t.show(gen)}, which `async for` cannot iterate: make rows an "
                            "async generator — `async def` with `yield` in its body.")
        raise Abort("rows")
    return gen


def needed(position: int, pages: list[list[str]]) -> list[int]:
    """The pages a lazy generator has fetched once it has produced row number ``position``."""
    seen = 0
    for index, page in enumerate(pages):
        seen += len(page)
        if position < seen:
            return list(range(index + 1))
    return list(range(len(pages) + 1))


@scenario("rows yields every row in order, fetching a page only when its first row is wanted")
async def lazily(t: Trial) -> None:
    db = Database(t, PAGES)
    gen = start(t, "select name from animals")
    t.expect("behaviour", not db.open.calls and not db.fetch.calls,
             "calling rows() already did I/O; an async generator does nothing until iteration starts.")
    expected = [row for page in PAGES for row in page]
    got: list[str] = []
    for position, row in enumerate(expected):
        try:
            got.append(await gen.__anext__())
        except StopAsyncIteration:
            t.fail("behaviour", f"rows stopped after {got}; it should yield all of {expected} (stop only at an empty page).")
            return
        await asyncio.sleep(0.005)  # the consumer works on each row; a generator at `yield` does nothing meanwhile
        wanted = needed(position, PAGES)
        fetched = db.fetched()
        if fetched != wanted:
            if sorted(set(fetched)) != sorted(fetched):
                t.fail("behaviour", f"while producing {got}, rows fetched pages {fetched}: a page was fetched twice. "
                                    "Fetch each page once, keep its rows, and yield them one by one.")
            else:
                t.fail("behaviour", f"after rows produced {got[-1]!r} (row {position + 1}), while the caller worked on "
                                    f"it, rows had fetched pages {fetched}; a lazy generator has fetched only {wanted} "
                                    "by then. Fetch a page when its first row is asked for, not before: yield each "
                                    "row of the current page, then fetch the next.")
            await gen.aclose()
            return
    t.expect("behaviour", got == expected, f"rows yielded {got}; expected {expected}.")
    t.expect("behaviour", db.open.arguments() == ["select name from animals"],
             f"open_cursor was called {len(db.open.calls)} time(s), with {t.show(db.open.arguments())}; one "
             "cursor, opened once with the query, serves every page of the iteration.")
    try:
        extra = await gen.__anext__()
    except StopAsyncIteration:
        pass
    else:
        t.fail("behaviour", f"after the last row, rows yielded {extra!r}; past the last page it should stop.")
        await gen.aclose()
        return
    t.expect("behaviour", db.fetched() == list(range(len(PAGES) + 1)),
             f"rows fetched pages {db.fetched()}; it should fetch 0 to {len(PAGES) - 1}, then page {len(PAGES)} "
             "once (empty: the end), each exactly once.")
    t.expect("cancellation", db.closed_once(),
             f"when rows ran to the end, {db.closing_words()}: the cursor should be released exactly once, "
             "whichever way the generator ends.",
             "the cursor was released")


@scenario("stopping early with aclose() releases the cursor")
async def early_exit(t: Trial) -> None:
    db = Database(t, PAGES)
    gen = start(t, "select name from animals")
    first = [await gen.__anext__(), await gen.__anext__()]
    await asyncio.sleep(0.005)
    await gen.aclose()
    t.expect("behaviour", first == PAGES[0][:2], f"rows yielded {first} first; expected {PAGES[0][:2]}.")
    t.expect("behaviour", db.fetched() == [0], f"after two rows and aclose(), rows had fetched pages {db.fetched()}; only page 0 was needed.")
    t.expect("cancellation", db.closed_once(),
             f"after two rows, aclose() raised GeneratorExit inside rows, and {db.closing_words()}. GeneratorExit is "
             "raised at the paused `yield`, so code after the loop never runs; only a `finally` (or an `async with`) "
             "around the loop does.",
             "aclose() released the cursor")


@scenario("first_match returns the first match and closes the rows before returning")
async def matching(t: Trial) -> None:
    db = Database(t, PAGES)
    first_match = t.function("first_match", is_async=True,
                             signature="async def first_match(query: str, wanted: Callable[[str], bool]) -> str | None")
    got = await t.call(first_match, "select name from animals", lambda row: row.startswith(("e", "f")))
    t.expect("behaviour", got == "eel", f"first_match(query, starts with e or f) returned {t.show(got)}; expected 'eel'.")
    t.expect("behaviour", db.fetched() == [0, 1, 2],
             f"first_match fetched pages {db.fetched()}; 'eel' is on page 2, so pages 0, 1 and 2 are all it needs. "
             "The generator fetches a page only when asked for its next row: stop asking at the first match.")
    t.expect("cancellation", db.closed_once(),
             f"when first_match returned, {db.closing_words()}. Leaving `async for` early does not close the "
             "generator: it stays paused at its `yield`, holding the cursor, until it is garbage-collected some time "
             "later. Close it yourself before returning (`aclose()`, which `contextlib.aclosing` calls for you).",
             "the rows were closed before first_match returned")


@scenario("first_match with no match, and a query with no rows at all")
async def no_match(t: Trial) -> None:
    db = Database(t, PAGES)
    first_match = t.function("first_match", is_async=True,
                             signature="async def first_match(query: str, wanted: Callable[[str], bool]) -> str | None")
    got = await t.call(first_match, "select name from animals", lambda row: row == "zebra")
    t.expect("behaviour", got is None, f"with no matching row, first_match returned {t.show(got)}; it should return None.")
    t.expect("cancellation", db.closed_once(), f"first_match with no match: {db.closing_words()} (expected once, at the end).")
    t.restore()
    db = Database(t, [])
    gen = start(t, "select nothing")
    produced = [row async for row in gen]
    t.expect("behaviour", produced == [], f"with no rows at all, rows yielded {produced}.")
    t.expect("behaviour", db.fetched() == [0], f"with no rows at all, rows fetched pages {db.fetched()}; just page 0 (empty).")
    t.expect("cancellation", db.closed_once(), f"with no rows at all, {db.closing_words()} (expected once).")
