# attacks: the stand-in the scenario installed, replaced by the learner's own function while it runs
# lesson: 02-gather
# names: replaced `fetch_user` while the grader's stand-in for it was installed
import asyncio


async def own_fetch(user_id):
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return await own_fetch(user_id)


async def fetch_all_users(user_ids):
    global fetch_user
    fetch_user = own_fetch
    return [await fetch_user(uid) for uid in user_ids]
