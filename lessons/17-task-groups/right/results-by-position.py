import asyncio


async def download(name: str) -> str:
    await asyncio.sleep(0.1)
    return f"contents of {name}"


async def download_all(names: list[str]) -> dict[str, str] | None:
    network_failed = False
    tasks: list[asyncio.Task[str]] = []
    try:
        async with asyncio.TaskGroup() as group:
            for name in names:
                tasks.append(group.create_task(download(name)))
    except* ConnectionError as errors:
        network_failed = bool(errors.exceptions)
    if network_failed:
        return None
    return dict(zip(names, (task.result() for task in tasks)))
