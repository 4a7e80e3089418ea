# expect: fail race
# Each load task is handed the id through a module global: another request may overwrite it before the task starts.
import asyncio
import contextvars
from concurrent.futures import Executor

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


_current = "-"  # the request being served (so the tasks know it)


async def _with_id(load, user_id):
    request_id.set(_current)  # pick the id up from the global as the task starts
    return await load(user_id)


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    global _current
    _current = rid
    token = request_id.set(rid)
    try:
        async with asyncio.TaskGroup() as tg:
            user = tg.create_task(_with_id(load_user, user_id))
            orders = tg.create_task(_with_id(load_orders, user_id))
        page = await asyncio.to_thread(render, user.result(), orders.result())
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(signer, context.run, sign, page)
    finally:
        request_id.reset(token)
