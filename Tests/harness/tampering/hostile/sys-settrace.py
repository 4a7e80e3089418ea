# attacks: a trace function, which sees (and can change) every frame of the grader
# lesson: 02-gather
# names: sys.settrace
import asyncio
import sys


def tracer(frame, event, arg):
    return None


try:
    sys.settrace(tracer)
except RuntimeError:
    pass


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
