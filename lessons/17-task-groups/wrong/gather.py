# expect: fail cancellation
import asyncio


async def download(name: str) -> str:
    """Downloads `name` (simulated I/O). May raise ConnectionError, or ValueError for a bad name."""
    await asyncio.sleep(0.1)
    return f"contents of {name}"


async def download_all(names: list[str]) -> dict[str, str] | None:
    try:
        results = await asyncio.gather(*(download(name) for name in names))
    except ConnectionError:
        return None  # the other downloads are still running
    return dict(zip(names, results))
