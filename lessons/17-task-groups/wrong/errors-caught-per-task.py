# expect: fail cancellation
import asyncio


async def download(name: str) -> str:
    """Downloads `name` (simulated I/O). May raise ConnectionError, or ValueError for a bad name."""
    await asyncio.sleep(0.1)
    return f"contents of {name}"


async def download_all(names: list[str]) -> dict[str, str] | None:
    async def careful(name: str) -> str | None:
        try:
            return await download(name)
        except ConnectionError:
            return None  # the failure stays inside this task: nobody cancels the others

    async with asyncio.TaskGroup() as group:
        tasks = {name: group.create_task(careful(name)) for name in names}
    results = {name: task.result() for name, task in tasks.items()}
    if any(value is None for value in results.values()):
        return None
    return results  # type: ignore[return-value]
