import asyncio


async def fetch_data(url: str) -> dict:
    """Simulate a request that takes 1 second."""
    await asyncio.sleep(1)
    return {"url": url, "data": "result"}


def fetch_sync(url: str) -> dict:
    """Called from plain synchronous code, with no event loop running."""
    # TODO: this hands back a coroutine object, not the data.
    return fetch_data(url)


def fetch_from_worker_thread(loop: asyncio.AbstractEventLoop, url: str) -> dict:
    """Called from a worker thread while `loop` runs in the main thread."""
    # TODO: run fetch_data(url) on `loop` and wait here for its result.
    raise NotImplementedError
