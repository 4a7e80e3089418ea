import asyncio


async def fetch_user(user_id: int) -> dict:
    """Simulates a 0.5 s call to a user service."""
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    """Fetch every user concurrently; keep the order of user_ids."""
    # TODO: this waits for each user before asking for the next one.
    users = []
    for uid in user_ids:
        users.append(await fetch_user(uid))
    return users
