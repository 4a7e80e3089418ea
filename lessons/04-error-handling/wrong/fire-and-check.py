# expect: fail unretrieved-exception
import asyncio


async def risky_operation(item_id: int) -> dict:
    await asyncio.sleep(0.1)
    if item_id % 3 == 0:
        raise ValueError(f"Item {item_id} failed")
    return {"id": item_id, "status": "success"}


async def process_items(item_ids: list[int]) -> tuple[list[dict], list[Exception]]:
    tasks = [asyncio.create_task(risky_operation(i)) for i in item_ids]
    successes, failures = [], []
    for task in tasks:
        try:
            successes.append(await task)
        except ValueError as error:
            failures.append(error)
            break  # gives up at the first failure: later failures are never looked at
    return successes, failures
