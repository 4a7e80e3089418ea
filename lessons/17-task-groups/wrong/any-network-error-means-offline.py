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
    except ExceptionGroup as failures:
        if failures.subgroup(ConnectionError) is not None:
            return None  # a network error in the group: but a ValueError beside it is dropped
        raise
    return {name: task.result() for name, task in tasks.items()}
