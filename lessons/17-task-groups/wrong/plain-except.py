# expect: fail behaviour
import asyncio


async def download(name: str) -> str:
    """Downloads `name` (simulated I/O). May raise ConnectionError, or ValueError for a bad name."""
    await asyncio.sleep(0.1)
    return f"contents of {name}"


async def download_all(names: list[str]) -> dict[str, str] | None:
    try:
        async with asyncio.TaskGroup() as group:
            tasks = {name: group.create_task(download(name)) for name in names}
    except ConnectionError:  # never matches: the group raises an ExceptionGroup
        return None
    return {name: task.result() for name, task in tasks.items()}
