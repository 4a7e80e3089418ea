# attacks: the virtual clock, wound back so that one-at-a-time fetches look as fast as concurrent ones
# lesson: 02-gather
# names: wound the virtual clock back
import asyncio


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    loop = asyncio.get_running_loop()
    start = loop.time()
    users = [await fetch_user(uid) for uid in user_ids]
    loop._vnow = start
    return users
