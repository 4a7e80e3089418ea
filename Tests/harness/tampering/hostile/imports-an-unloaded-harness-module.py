# attacks: a harness module this grade never loaded (a fresh import, through the finders)
# lesson: 02-gather
# names: imported `asynclings_harness.explore`
import asyncio

try:
    import asynclings_harness.explore  # noqa: F401
except ImportError:
    pass


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
