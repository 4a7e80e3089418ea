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
    # TODO: every line logged while serving this request must carry `rid`, in tasks and in
    # threads, and the caller's own request_id must be back when handle returns or raises.
    # TODO: load the user and the orders at the same time (in a TaskGroup).
    user = await load_user(user_id)
    orders = await load_orders(user_id)
    loop = asyncio.get_running_loop()
    page = await loop.run_in_executor(None, render, user, orders)  # TODO: asyncio.to_thread
    return await loop.run_in_executor(signer, sign, page)


async def main() -> None:
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="signer") as signer:
        pages = await asyncio.gather(*(handle(f"req-{n}", n, signer) for n in (1, 2, 3)))
    for page in pages:
        print(page)


if __name__ == "__main__":
    asyncio.run(main())
