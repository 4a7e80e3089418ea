import asyncio


async def download(name: str) -> str:
    await asyncio.sleep(0.1)
    return f"contents of {name}"


async def download_all(names: list[str]) -> dict[str, str] | None:
    contents: dict[str, str] = {}

    async def fetch(name: str) -> None:
        contents[name] = await download(name)

    offline = False
    try:
        async with asyncio.TaskGroup() as group:
            for name in names:
                group.create_task(fetch(name))
    except* ConnectionError as network:
        offline = bool(network.exceptions)
    if offline:
        return None
    return {name: contents[name] for name in names}  # in the order the names were given
