import asyncio


async def download(name: str) -> str:
    await asyncio.sleep(0.1)
    return f"contents of {name}"


async def download_all(names: list[str]) -> dict[str, str] | None:
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(download(name)) for name in names]
    except ExceptionGroup as failures:
        # split() sorts the group into the network part and the rest, keeping the rest's nesting.
        _network, rest = failures.split(ConnectionError)
        if rest is not None:
            raise rest
        return None
    return {name: task.result() for name, task in zip(names, tasks)}
