"""No queue: a semaphore of three around each record, gather for everything."""
import asyncio
import hashlib

WORKERS = 3
SUBSCRIBERS = ("billing", "search", "archive")


async def fetch(record_id: int) -> dict:
    await asyncio.sleep(0.1)
    if record_id % 5 == 0:
        raise LookupError(record_id)
    return {"id": record_id}


def pack(record: dict) -> bytes:
    return hashlib.sha256(repr(record).encode()).digest()


async def store(record_id: int, blob: bytes) -> None:
    await asyncio.sleep(0.05)


async def notify(subscriber: str) -> None:
    await asyncio.sleep(0.1)


async def publish(report: dict) -> None:
    print(report)


async def export(ids: list[int]) -> dict:
    slots = asyncio.Semaphore(WORKERS)
    stored: list[int] = []
    missing: list[int] = []
    loop = asyncio.get_running_loop()

    async def export_one(record_id: int) -> None:
        async with slots:
            try:
                record = await fetch(record_id)
            except LookupError:
                missing.append(record_id)
                return
            blob = await loop.run_in_executor(None, pack, record)
            await store(record_id, blob)
            stored.append(record_id)

    await asyncio.gather(*(export_one(record_id) for record_id in ids))

    outcomes = await asyncio.gather(*(notify(name) for name in SUBSCRIBERS), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, ConnectionError):
            raise outcome
    unreachable = [name for name, outcome in zip(SUBSCRIBERS, outcomes) if isinstance(outcome, ConnectionError)]

    report = {"stored": sorted(stored), "missing": sorted(missing), "unreachable": unreachable}
    await publish(report)
    return report
