# attacks: a harness module through __import__ with a fromlist
# lesson: 02-gather
# names: `asynclings_harness.fakes`
import asyncio

try:
    fakes = __import__("asynclings_harness.fakes", fromlist=["FakeAsync"])
    fakes.FakeAsync.peak = 4
except (ImportError, AttributeError):
    pass


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return [await fetch_user(uid) for uid in user_ids]
