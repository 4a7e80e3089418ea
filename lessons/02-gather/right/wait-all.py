import asyncio


async def fetch_user(user_id: int) -> dict:
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    if not user_ids:
        return []  # asyncio.wait refuses an empty collection
    tasks = [asyncio.create_task(fetch_user(uid)) for uid in user_ids]
    done, pending = await asyncio.wait(tasks)
    assert not pending
    return [task.result() for task in tasks]
