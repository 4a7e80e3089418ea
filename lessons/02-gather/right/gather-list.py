import asyncio


async def fetch_user(user_id: int) -> dict:
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    coroutines = [fetch_user(uid) for uid in user_ids]
    results = await asyncio.gather(*coroutines)
    return results
