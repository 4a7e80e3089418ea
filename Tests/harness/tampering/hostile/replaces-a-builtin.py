# attacks: builtins (print replaced at import; the rest is a correct solution)
# lesson: 02-gather
# names: replaced `builtins.print`
import asyncio
import builtins

builtins.print = lambda *args, **kwargs: None


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
