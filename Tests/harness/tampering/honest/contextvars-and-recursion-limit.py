# honest: a module-level sys.setrecursionlimit, context variables, a lock and a task factory of its own
# lesson: 02-gather
import asyncio
import contextvars
import sys
import threading

sys.setrecursionlimit(5000)
request_id = contextvars.ContextVar("request_id", default=None)
_counter_lock = threading.Lock()
_started = 0


async def fetch_user(user_id):
    global _started
    request_id.set(user_id)
    with _counter_lock:
        _started += 1
    await asyncio.sleep(0.5)
    assert request_id.get() == user_id
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    loop = asyncio.get_running_loop()
    loop.set_task_factory(None)
    loop.slow_callback_duration = 1.0
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
