# expect: fail behaviour
import asyncio


async def risky_operation(item_id: int) -> dict:
    await asyncio.sleep(0.1)
    if item_id % 3 == 0:
        return {"id": item_id, "status": "failed", "error": f"Item {item_id} failed"}
    return {"id": item_id, "status": "success"}


async def process_items(item_ids: list[int]) -> tuple[list[dict], list[Exception]]:
    results = await asyncio.gather(*(risky_operation(i) for i in item_ids), return_exceptions=True)
    return ([r for r in results if not isinstance(r, BaseException)],
            [r for r in results if isinstance(r, BaseException)])
