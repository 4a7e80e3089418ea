# expect: fail concurrency
import asyncio


async def risky_operation(item_id: int) -> dict:
    await asyncio.sleep(0.1)
    if item_id % 3 == 0:
        raise ValueError(f"Item {item_id} failed")
    return {"id": item_id, "status": "success"}


async def process_items(item_ids: list[int]) -> tuple[list[dict], list[Exception]]:
    successes, failures = [], []
    for item_id in item_ids:
        try:
            successes.append(await risky_operation(item_id))
        except ValueError as error:
            failures.append(error)
    return successes, failures
