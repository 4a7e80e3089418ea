# expect: fail concurrency
import asyncio


async def fetch_user(user_id: int) -> dict:
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    users = []
    for uid in user_ids:
        task = asyncio.create_task(fetch_user(uid))
        users.append(await task)
    return users
