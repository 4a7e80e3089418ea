import asyncio


async def risky_operation(item_id: int) -> dict:
    await asyncio.sleep(0.1)
    if item_id % 3 == 0:
        raise ValueError(f"Item {item_id} failed")
    return {"id": item_id, "status": "success"}


async def process_items(item_ids: list[int]) -> tuple[list[dict], list[Exception]]:
    tasks = [asyncio.create_task(risky_operation(i)) for i in item_ids]
    await asyncio.wait(tasks) if tasks else None
    successes: list[dict] = []
    failures: list[Exception] = []
    for task in tasks:
        error = task.exception()
        if error is None:
            successes.append(task.result())
        else:
            failures.append(error)
    return successes, failures
