import asyncio


async def save(record: dict, store: list) -> None:
    await asyncio.sleep(0.01)
    store.append(record)


async def save_all(records: list[dict], store: list) -> int:
    async with asyncio.TaskGroup() as group:
        for record in records:
            group.create_task(save(record, store))
    return len(records)
