import asyncio
import threading


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": url, "data": f"body of {url}"}


def fetch_sync(url: str) -> dict:
    return asyncio.run(fetch_data(url))


def fetch_from_worker_thread(loop: asyncio.AbstractEventLoop, url: str) -> dict:
    ready = threading.Event()
    future = asyncio.run_coroutine_threadsafe(fetch_data(url), loop)
    future.add_done_callback(lambda _: ready.set())
    ready.wait()
    return future.result()
