# expect: fail concurrency
import asyncio


async def fetch_user(user_id: int) -> dict:
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    users: list[dict] = []
    for start in range(0, len(user_ids), 10):
        batch = user_ids[start:start + 10]
        users += await asyncio.gather(*(fetch_user(uid) for uid in batch))
    return users
