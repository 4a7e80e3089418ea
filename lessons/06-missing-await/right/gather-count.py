import asyncio


async def save(record: dict, store: list) -> None:
    """Simulate a write that takes 0.01 seconds, then keep the record."""
    await asyncio.sleep(0.01)
    store.append(record)


async def save_all(records: list[dict], store: list) -> int:
    pending = [save(record, store) for record in records]
    await asyncio.gather(*pending)
    return len(pending)
