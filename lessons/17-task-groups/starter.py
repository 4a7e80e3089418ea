import asyncio


async def download(name: str) -> str:
    """Downloads `name` (simulated I/O). May raise ConnectionError, or ValueError for a bad name."""
    await asyncio.sleep(0.1)
    return f"contents of {name}"


async def download_all(names: list[str]) -> dict[str, str] | None:
    # TODO: one at a time, and a network error stops everything with an exception.
    # Run the downloads together in an asyncio.TaskGroup, and handle ConnectionError
    # with `except*`.
    contents = {}
    for name in names:
        contents[name] = await download(name)
    return contents
