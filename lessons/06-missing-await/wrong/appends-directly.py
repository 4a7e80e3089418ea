# expect: fail behaviour
import asyncio


async def save(record: dict, store: list) -> None:
    """Simulate a write that takes 0.01 seconds, then keep the record."""
    await asyncio.sleep(0.01)
    store.append(record)



async def save_all(records: list[dict], store: list) -> int:
    # One pause for the whole batch: but save, the real write, never runs.
    await asyncio.sleep(0.01)
    store.extend(records)
    return len(records)
