"""The starter's shape, with the four faults mended one line at a time."""
import asyncio

WORKERS = 3
SUBSCRIBERS = ("billing", "search", "archive")


async def fetch(record_id: int) -> dict:
    await asyncio.sleep(0.1)
    return {"id": record_id}


def pack(record: dict) -> bytes:
    return str(record).encode()


async def store(record_id: int, blob: bytes) -> None:
    await asyncio.sleep(0.05)


async def notify(subscriber: str) -> None:
    await asyncio.sleep(0.1)


async def publish(report: dict) -> None:
    await asyncio.sleep(0.05)


async def worker(queue: asyncio.Queue, stored: list[int], missing: list[int]) -> None:
    while True:
        record_id = await queue.get()
        try:
            record = await fetch(record_id)
        except LookupError:
            missing.append(record_id)
            queue.task_done()
            continue
        blob = await asyncio.to_thread(pack, record)
        await store(record_id, blob)
        stored.append(record_id)
        queue.task_done()


async def tell_subscribers() -> list[str]:
    tasks = {name: asyncio.create_task(notify(name)) for name in SUBSCRIBERS}
    await asyncio.wait(tasks.values())
    return [name for name, task in tasks.items() if isinstance(task.exception(), ConnectionError)]


async def export(ids: list[int]) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for record_id in ids:
        queue.put_nowait(record_id)
    stored: list[int] = []
    missing: list[int] = []
    workers = [asyncio.create_task(worker(queue, stored, missing)) for _ in range(WORKERS)]
    await queue.join()
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    unreachable = await tell_subscribers()
    report = {"stored": sorted(stored), "missing": sorted(missing), "unreachable": unreachable}
    await publish(report)
    return report
