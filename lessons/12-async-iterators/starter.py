import asyncio
from typing import AsyncIterator, Callable


async def open_cursor(query: str) -> int:
    """Starts `query` on the database (simulated I/O) and returns a cursor id."""
    await asyncio.sleep(0.01)
    return 1


async def fetch_page(cursor: int, page: int) -> list[str]:
    """Returns the rows of page `page` (0, 1, 2, ...); an empty list past the last page."""
    await asyncio.sleep(0.05)
    return [f"row {page}.{i}" for i in range(3)] if page < 3 else []


async def close_cursor(cursor: int) -> None:
    """Releases the cursor on the database (simulated I/O)."""
    await asyncio.sleep(0.01)


async def rows(query: str) -> AsyncIterator[str]:
    # TODO: an async generator. This version fetches every page before yielding
    # anything, and never closes the cursor when the caller stops early.
    cursor = await open_cursor(query)
    everything = []
    page = 0
    while batch := await fetch_page(cursor, page):
        everything += batch
        page += 1
    for row in everything:
        yield row
    await close_cursor(cursor)


async def first_match(query: str, wanted: Callable[[str], bool]) -> str | None:
    # TODO: stop at the first matching row, and close the generator before returning.
    async for row in rows(query):
        if wanted(row):
            return row
    return None
