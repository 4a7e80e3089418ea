# expect: fail behaviour
import asyncio


async def save(record: dict, store: list) -> None:
    store.append(record)
    await asyncio.sleep(0.01)


async def save_all(records: list[dict], store: list) -> int:
    await asyncio.gather(*(save(record, store) for record in records))
    return len(records)
