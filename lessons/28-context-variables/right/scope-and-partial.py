import asyncio
import contextvars
import functools
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Iterator

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


@contextmanager
def request_scope(rid: str) -> Iterator[None]:
    """request_id is `rid` inside the block, and whatever it was before after it."""
    token = request_id.set(rid)
    try:
        yield
    finally:
        request_id.reset(token)


def in_this_context(function, *args):
    """`function(*args)` bound to a snapshot of the current context, for a thread that will not get one."""
    return functools.partial(contextvars.copy_context().run, function, *args)


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    with request_scope(rid):
        async with asyncio.TaskGroup() as group:
            user_task = group.create_task(load_user(user_id))
            orders_task = group.create_task(load_orders(user_id))
        user, orders = user_task.result(), orders_task.result()
        page = await asyncio.to_thread(render, user, orders)
        return await asyncio.get_running_loop().run_in_executor(signer, in_this_context(sign, page))
