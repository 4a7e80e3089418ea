import asyncio


async def save(record: dict, store: list) -> None:
    await asyncio.sleep(0.01)
    store.append(record)


async def save_all(records: list[dict], store: list) -> int:
    writes = [asyncio.create_task(save(r, store)) for r in records]
    for write in writes:
        await write
    return len(writes)
