# expect: fail behaviour
import asyncio


async def fetch_user(user_id: int) -> dict:
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    # One wait for everybody, then build the users here: the user service is never asked.
    await asyncio.sleep(0.5)
    return [{"id": uid, "name": f"User {uid}"} for uid in user_ids]
