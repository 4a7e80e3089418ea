# expect: fail behaviour
import asyncio


async def fetch_user(user_id: int) -> dict:
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    return await asyncio.gather(*(fetch_user(uid) for uid in user_ids))
