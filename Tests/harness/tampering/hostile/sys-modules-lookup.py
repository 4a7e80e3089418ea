# attacks: a harness module looked up in sys.modules (no import at all)
# lesson: 02-gather
# names: took `Trial` from `asynclings_harness.trial`
import asyncio
import sys

try:
    sys.modules["asynclings_harness.trial"].Trial.expect = lambda self, *args, **kwargs: True
except (KeyError, AttributeError):
    pass


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return [await fetch_user(uid) for uid in user_ids]
