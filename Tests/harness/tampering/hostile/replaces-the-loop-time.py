# attacks: the running loop's time method, replaced on the loop object
# lesson: 02-gather
# names: replaced `time` on the grader's VirtualClockLoop object
import asyncio


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    loop = asyncio.get_running_loop()
    start = loop.time()
    users = [await fetch_user(uid) for uid in user_ids]
    loop.time = lambda: start
    return users
