import asyncio
import contextvars
from concurrent.futures import Executor

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


async def _serve(user_id: int, signer: Executor) -> str:
    # Runs in a context of its own, where request_id is already this request's id.
    loads = [asyncio.create_task(load_user(user_id)), asyncio.create_task(load_orders(user_id))]
    try:
        done, pending = await asyncio.wait(loads, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in loads:
            task.cancel()
        await asyncio.wait(loads)
    failed = [task.exception() for task in done if task.exception() is not None]
    if failed:
        raise failed[0]
    user, orders = (task.result() for task in loads)
    page = await asyncio.to_thread(render, user, orders)
    job = signer.submit(contextvars.copy_context().run, sign, page)
    return await asyncio.wrap_future(job)


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    # The caller's context is never touched: the request gets a copy with its id in it.
    context = contextvars.copy_context()
    context.run(request_id.set, rid)
    return await asyncio.create_task(_serve(user_id, signer), context=context)
