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
    cursor = await open_cursor(query)
    try:
        page = 0
        while batch := await fetch_page(cursor, page):
            for row in batch:
                yield row
            page += 1
    finally:
        await close_cursor(cursor)


async def first_match(query: str, wanted: Callable[[str], bool]) -> str | None:
    results = rows(query)
    try:
        async for row in results:
            if wanted(row):
                return row
        return None
    finally:
        await results.aclose()  # runs rows' finally now, not whenever it is garbage-collected
