import asyncio


async def fetch_user(user_id: int) -> dict:
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    # Start every fetch first; awaiting them afterwards costs no extra time.
    pending = [asyncio.create_task(fetch_user(uid)) for uid in user_ids]
    users = []
    for task in pending:
        users.append(await task)
    return users
