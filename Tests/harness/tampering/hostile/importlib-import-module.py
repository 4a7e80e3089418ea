# attacks: a harness module through importlib.import_module (which raises no import audit event)
# lesson: 02-gather
# names: imported `asynclings_harness.trial`
import asyncio
import importlib

try:
    importlib.import_module("asynclings_harness.trial").Trial.fail = lambda self, *args: None
except (ImportError, AttributeError):
    pass


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return [await fetch_user(uid) for uid in user_ids]
