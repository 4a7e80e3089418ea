# attacks: the lesson's check script, looked up in sys.modules and its helper replaced
# lesson: 02-gather
# names: changed `asynclings_lesson_check.user`
import asyncio
import sys

check = sys.modules.get("asynclings_lesson_check")
try:
    check.user = lambda uid: None
except AttributeError:
    pass


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
