# expect: fail behaviour
# The errors are retrieved and thrown away: nobody learns which subscriber missed the news.
"""The nightly export: fetch every record, pack it, store it, tell the subscribers, publish a report."""

import asyncio
import hashlib

WORKERS = 3
SUBSCRIBERS = ("billing", "search", "archive")

# -- stand-ins: the grader replaces these five with its own ---------------------------


async def fetch(record_id: int) -> dict:
    """The record with this id; LookupError if it was deleted."""
    await asyncio.sleep(0.1 + record_id % 3 / 10)
    if record_id % 5 == 0:
        raise LookupError(f"record {record_id} was deleted")
    return {"id": record_id, "body": f"record {record_id}"}


def pack(record: dict) -> bytes:
    """Compresses and signs a record: CPU work, about a fifth of a second."""
    return hashlib.pbkdf2_hmac("sha256", repr(record).encode(), b"nightly", 200_000)


async def store(record_id: int, blob: bytes) -> None:
    await asyncio.sleep(0.05)


async def notify(subscriber: str) -> None:
    """Tells a subscriber tonight's records are in; ConnectionError if it cannot be reached."""
    await asyncio.sleep(0.1)
    if subscriber == "search":
        raise ConnectionError(f"{subscriber} did not answer")


async def publish(report: dict) -> None:
    await asyncio.sleep(0.05)
    print("published", report)


# -- the export -----------------------------------------------------------------------


async def worker(queue: asyncio.Queue, stored: list[int], missing: list[int]) -> None:
    while True:
        record_id = await queue.get()
        try:
            record = await fetch(record_id)
            blob = await asyncio.to_thread(pack, record)  # CPU work, off the event loop
            await store(record_id, blob)
            stored.append(record_id)
        except LookupError:
            missing.append(record_id)
        finally:
            queue.task_done()  # on every path: queue.join() counts on it


async def tell_subscribers() -> list[str]:
    """Notifies every subscriber at once; returns the ones that could not be reached."""
    await asyncio.gather(*(notify(name) for name in SUBSCRIBERS), return_exceptions=True)
    return []  # the errors were read, and thrown away


async def export(ids: list[int]) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for record_id in ids:
        queue.put_nowait(record_id)
    stored: list[int] = []
    missing: list[int] = []
    async with asyncio.TaskGroup() as group:  # an error in a worker reaches us instead of vanishing
        workers = [group.create_task(worker(queue, stored, missing)) for _ in range(WORKERS)]
        await queue.join()
        for task in workers:
            task.cancel()
    unreachable = await tell_subscribers()
    report = {"stored": sorted(stored), "missing": sorted(missing), "unreachable": unreachable}
    await publish(report)
    return report


if __name__ == "__main__":
    print(asyncio.run(export(list(range(1, 13))), debug=True))
