import asyncio
import concurrent.futures


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": url, "data": f"contents of {url}"}


def fetch_sync(url: str) -> dict:
    with asyncio.Runner() as runner:
        return runner.run(fetch_data(url))


def fetch_from_worker_thread(loop: asyncio.AbstractEventLoop, url: str) -> dict:
    answer: concurrent.futures.Future = asyncio.run_coroutine_threadsafe(fetch_data(url), loop)
    try:
        return answer.result()
    except BaseException:
        answer.cancel()
        raise
