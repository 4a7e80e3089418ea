# expect: fail behaviour
import asyncio


async def download(name: str) -> str:
    """Downloads `name` (simulated I/O). May raise ConnectionError, or ValueError for a bad name."""
    await asyncio.sleep(0.1)
    return f"contents of {name}"


async def download_all(names: list[str]) -> dict[str, str] | None:
    offline = False
    try:
        async with asyncio.TaskGroup() as group:
            tasks = {name: group.create_task(download(name)) for name in names}
    except* ConnectionError:
        # The group has already cancelled the other downloads and waited for them.
        offline = True  # (`return` is not allowed inside except*)
    # Any other exception (ValueError, ...) has left the function, still in its ExceptionGroup.
    if offline:
        return None
    return tasks  # the Task objects, not what they downloaded
