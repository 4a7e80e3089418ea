# attacks: a profile function, which sees every call the grader makes
# lesson: 02-gather
# names: sys.setprofile
import asyncio
import sys


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    try:
        sys.setprofile(lambda frame, event, arg: None)
    except RuntimeError:
        pass
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
