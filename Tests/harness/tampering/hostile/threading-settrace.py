# attacks: a trace function for every thread started later (threading.settrace raises no audit event)
# lesson: 02-gather
# names: threading.settrace
import asyncio
import threading

threading.settrace(lambda frame, event, arg: None)


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
