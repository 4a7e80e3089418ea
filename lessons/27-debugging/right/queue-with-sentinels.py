"""Workers that stop at a sentinel, a TaskGroup for the notifications."""
import asyncio

WORKERS = 3
SUBSCRIBERS = ("billing", "search", "archive")
STOP = None


async def fetch(record_id: int) -> dict:
    return {"id": record_id}


def pack(record: dict) -> bytes:
    return repr(record).encode()


async def store(record_id: int, blob: bytes) -> None:
    pass


async def notify(subscriber: str) -> None:
    pass


async def publish(report: dict) -> None:
    pass


async def worker(queue: asyncio.Queue, stored: list[int], missing: list[int]) -> None:
    while (record_id := await queue.get()) is not STOP:
        try:
            record = await fetch(record_id)
        except LookupError:
            missing.append(record_id)
            continue
        await store(record_id, await asyncio.to_thread(pack, record))
        stored.append(record_id)


async def export(ids: list[int]) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for record_id in [*ids, *[STOP] * WORKERS]:
        queue.put_nowait(record_id)
    stored: list[int] = []
    missing: list[int] = []
    await asyncio.gather(*(worker(queue, stored, missing) for _ in range(WORKERS)))

    unreachable: set[str] = set()

    async def tell(subscriber: str) -> None:
        try:
            await notify(subscriber)
        except ConnectionError:
            unreachable.add(subscriber)

    async with asyncio.TaskGroup() as group:
        for subscriber in SUBSCRIBERS:
            group.create_task(tell(subscriber))

    report = {
        "stored": sorted(stored),
        "missing": sorted(missing),
        "unreachable": [name for name in SUBSCRIBERS if name in unreachable],
    }
    await publish(report)
    return report
