# attacks: the stand-in's code, swapped for an instant answer (the function object stays the grader's)
# lesson: 02-gather
# names: the grader's own function
import asyncio


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


def instant(self):
    async def fake(*args, **kwargs):
        return {"id": args[0], "name": f"User {args[0]}"}
    return fake


async def fetch_all_users(user_ids):
    if fetch_user.__closure__:
        try:
            fetch_user.__code__ = instant(None).__code__
        except RuntimeError:
            pass
    return [await fetch_user(uid) for uid in user_ids]
