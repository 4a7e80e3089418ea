# expect: fail concurrency
# The two loads are awaited one after the other.
import asyncio
import contextvars
from concurrent.futures import Executor

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    token = request_id.set(rid)
    try:
        user = await load_user(user_id)
        orders = await load_orders(user_id)
        page = await asyncio.to_thread(render, user, orders)
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(signer, context.run, sign, page)
    finally:
        request_id.reset(token)
