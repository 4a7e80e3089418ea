import asyncio
import concurrent.futures


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": url, "data": "result"}


def fetch_sync(url: str) -> dict:
    result = asyncio.run(fetch_data(url))
    return result


def fetch_from_worker_thread(loop: asyncio.AbstractEventLoop, url: str) -> dict:
    """Hands the work to the loop's thread, then waits here for the answer."""
    answer: concurrent.futures.Future = concurrent.futures.Future()

    def settle(task: asyncio.Task) -> None:
        if task.cancelled():
            answer.cancel()
        elif task.exception() is not None:
            answer.set_exception(task.exception())
        else:
            answer.set_result(task.result())

    def start() -> None:
        loop.create_task(fetch_data(url)).add_done_callback(settle)

    loop.call_soon_threadsafe(start)
    return answer.result()
