import asyncio


async def risky_operation(item_id: int) -> dict:
    await asyncio.sleep(0.1)
    if item_id % 3 == 0:
        raise ValueError(f"Item {item_id} failed")
    return {"id": item_id, "status": "success"}


async def outcome(item_id: int) -> tuple[bool, object]:
    """Runs one item; never raises: the error comes back as a value."""
    try:
        return True, await risky_operation(item_id)
    except Exception as error:
        return False, error


async def process_items(item_ids: list[int]) -> tuple[list[dict], list[Exception]]:
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(outcome(i)) for i in item_ids]
    results = [t.result() for t in tasks]
    return [value for ok, value in results if ok], [value for ok, value in results if not ok]
