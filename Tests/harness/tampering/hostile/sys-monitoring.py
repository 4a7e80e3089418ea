# attacks: a sys.monitoring tool (Python 3.12+), which sees every function the grader starts
# lesson: 02-gather
# python: 3.12
# names: sys.monitoring
import asyncio
import sys

monitoring = sys.monitoring
monitoring.use_tool_id(3, "spy")
try:
    monitoring.register_callback(3, monitoring.events.PY_START, lambda code, offset: None)
except RuntimeError:
    pass


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
