# attacks: the grader's instrumented clock function in the time module
# lesson: 02-gather
# names: replaced `time.monotonic`, which the grader instruments
import asyncio
import time

time.monotonic = time.process_time


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
