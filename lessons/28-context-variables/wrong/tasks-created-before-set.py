# expect: fail behaviour
# The load tasks are created before the id is set: each copied a context without it.
import asyncio
import contextvars
from concurrent.futures import Executor

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    async with asyncio.TaskGroup() as tg:
        user = tg.create_task(load_user(user_id))
        orders = tg.create_task(load_orders(user_id))
        token = request_id.set(rid)  # too late for the two tasks: they copied the context already
    try:
        page = await asyncio.to_thread(render, user.result(), orders.result())
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(signer, context.run, sign, page)
    finally:
        request_id.reset(token)
