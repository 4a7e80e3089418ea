# expect: fail behaviour
# The id is reset only when handle returns: a failed load leaves it behind.
import asyncio
import contextvars
from concurrent.futures import Executor

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    token = request_id.set(rid)
    async with asyncio.TaskGroup() as tg:
        user = tg.create_task(load_user(user_id))
        orders = tg.create_task(load_orders(user_id))
    page = await asyncio.to_thread(render, user.result(), orders.result())
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    signed = await loop.run_in_executor(signer, context.run, sign, page)
    request_id.reset(token)
    return signed
