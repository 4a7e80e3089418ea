import asyncio
import contextvars
from concurrent.futures import Executor

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def _sign_as(rid: str, page: str) -> str:
    # A signer thread has a context of its own: give it the id for the length of the job.
    token = request_id.set(rid)
    try:
        return sign(page)
    finally:
        request_id.reset(token)


async def _load_both(user_id: int) -> tuple[dict, list[str]]:
    user_task = asyncio.ensure_future(load_user(user_id))
    orders_task = asyncio.ensure_future(load_orders(user_id))
    try:
        return await asyncio.gather(user_task, orders_task)
    except BaseException:
        user_task.cancel()
        orders_task.cancel()
        await asyncio.gather(user_task, orders_task, return_exceptions=True)
        raise


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    previous = request_id.set(rid)
    try:
        user, orders = await _load_both(user_id)
        page = await asyncio.to_thread(render, user, orders)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(signer, _sign_as, rid, page)
    finally:
        request_id.reset(previous)
