# attacks: an audit hook of the learner's own, which could veto what the grader does
# lesson: 02-gather
# names: sys.addaudithook
import asyncio
import sys

sys.addaudithook(lambda event, args: None)


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
