# expect: fail behaviour
# render goes to the default pool through run_in_executor, which does not copy the context (to_thread would).
import asyncio
import contextvars
from concurrent.futures import Executor

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    token = request_id.set(rid)
    try:
        async with asyncio.TaskGroup() as tg:
            user = tg.create_task(load_user(user_id))
            orders = tg.create_task(load_orders(user_id))
        loop = asyncio.get_running_loop()
        page = await loop.run_in_executor(None, render, user.result(), orders.result())
        context = contextvars.copy_context()
        return await loop.run_in_executor(signer, context.run, sign, page)
    finally:
        request_id.reset(token)
