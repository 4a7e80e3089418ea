# expect: fail behaviour
# sign runs on the signer pool without the request's context.
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
        page = await asyncio.to_thread(render, user.result(), orders.result())
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(signer, sign, page)  # the worker's own context: no request id
    finally:
        request_id.reset(token)
