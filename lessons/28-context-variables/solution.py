import asyncio
import contextvars
import time
from concurrent.futures import Executor, ThreadPoolExecutor

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def log(message: str) -> None:
    """One log line, tagged with the id of the request being served."""
    print(f"[{request_id.get()}] {message}")


# -- stand-ins: the grader replaces these four with its own, which log the same way -------------


async def load_user(user_id: int) -> dict:
    log(f"loading user {user_id}")
    await asyncio.sleep(0.1)
    return {"id": user_id, "name": f"user {user_id}"}


async def load_orders(user_id: int) -> list[str]:
    log(f"loading the orders of user {user_id}")
    await asyncio.sleep(0.15)
    return [f"order {user_id}-1", f"order {user_id}-2"]


def render(user: dict, orders: list[str]) -> str:
    """Fills in a template: CPU work that blocks, so it belongs in a thread."""
    log(f"rendering the page of {user['name']}")
    time.sleep(0.05)
    return f"<h1>{user['name']}</h1>" + "".join(f"<p>{order}</p>" for order in orders)


def sign(page: str) -> str:
    """A legacy signing library: blocking, and safe only on the threads of its own pool."""
    log("signing the page")
    time.sleep(0.02)
    return page + "<!-- signed -->"


# -- the service ---------------------------------------------------------------------------------


async def handle(rid: str, user_id: int, signer: Executor) -> str:
    token = request_id.set(rid)
    try:
        async with asyncio.TaskGroup() as tg:  # each task starts with a copy of this context: rid included
            user = tg.create_task(load_user(user_id))
            orders = tg.create_task(load_orders(user_id))
        page = await asyncio.to_thread(render, user.result(), orders.result())  # to_thread copies the context
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()  # run_in_executor does not: hand the job a copy yourself
        return await loop.run_in_executor(signer, context.run, sign, page)
    finally:
        request_id.reset(token)  # the caller gets its own id back, however handle ends


async def main() -> None:
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="signer") as signer:
        pages = await asyncio.gather(*(handle(f"req-{n}", n, signer) for n in (1, 2, 3)))
    for page in pages:
        print(page)


if __name__ == "__main__":
    asyncio.run(main())
