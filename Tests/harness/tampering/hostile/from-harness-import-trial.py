# attacks: a harness module taken from the package, then its class patched
# lesson: 02-gather
# names: `trial` from `asynclings_harness`
import asyncio

try:
    from asynclings_harness import trial

    trial.Trial.expect = lambda self, *args, **kwargs: True
except (ImportError, AttributeError):
    pass


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return [await fetch_user(uid) for uid in user_ids]
