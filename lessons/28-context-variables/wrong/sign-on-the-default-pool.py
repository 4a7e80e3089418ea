# expect: fail behaviour
# sign goes through to_thread: the right id, but asyncio's default pool, not signer.
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
        return await asyncio.to_thread(sign, page)
    finally:
        request_id.reset(token)
