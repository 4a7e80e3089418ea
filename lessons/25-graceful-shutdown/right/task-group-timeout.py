import asyncio
import signal
import sys

WORKERS = 3


# -- stand-ins: the grader replaces these three with its own broker and database ----------


class Database:
    async def close(self) -> None:
        print("database closed")


class Inbox:
    """A message broker subscription: a new job every half second."""

    def __init__(self) -> None:
        self._last = 0
        self._closed = asyncio.Event()

    async def get(self) -> int | None:
        """The next job, or None once the inbox is closed."""
        if self._closed.is_set():
            return None
        try:
            async with asyncio.timeout(0.5):
                await self._closed.wait()
            return None
        except TimeoutError:
            self._last += 1
            return self._last

    async def requeue(self, job: int) -> None:
        print(f"job {job} handed back to the broker")

    async def close(self) -> None:
        self._closed.set()


async def open_database() -> Database:
    return Database()


async def open_inbox() -> Inbox:
    return Inbox()


async def process(job: int, db: Database) -> None:
    print(f"processing job {job}")
    await asyncio.sleep(1 + job % 4)


# -- the service ----------------------------------------------------------------------------


async def serve(grace: float) -> int:
    """Workers live in a TaskGroup; the grace period is an asyncio.timeout around waiting for them."""
    loop = asyncio.get_running_loop()
    shutdown = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, shutdown.set)
    loop.add_signal_handler(signal.SIGINT, shutdown.set)
    handed_back = 0
    db = await open_database()
    inbox = await open_inbox()

    async def worker() -> None:
        nonlocal handed_back
        while (job := await inbox.get()) is not None:
            try:
                await process(job, db)
            except asyncio.CancelledError:
                handed_back += 1
                await inbox.requeue(job)
                raise

    try:
        async with asyncio.TaskGroup() as group:
            workers = [group.create_task(worker()) for _ in range(WORKERS)]
            await shutdown.wait()
            await inbox.close()
            try:
                async with asyncio.timeout(grace):
                    await asyncio.gather(*workers)  # a timeout cancels the gather, and so every worker still running
            except TimeoutError:
                pass
    finally:
        await db.close()
    return 1 if handed_back else 0


def main(grace: float = 10.0) -> int:
    return asyncio.run(serve(grace))


if __name__ == "__main__":
    sys.exit(main())
