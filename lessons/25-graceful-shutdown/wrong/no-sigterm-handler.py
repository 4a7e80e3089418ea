# expect: fail behaviour
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
    # asyncio.run cancels this coroutine on Ctrl-C (SIGINT); SIGTERM was forgotten.
    db = await open_database()
    inbox = await open_inbox()

    async def worker() -> None:
        while (job := await inbox.get()) is not None:
            try:
                await process(job, db)
            except asyncio.CancelledError:
                await inbox.requeue(job)
                raise

    workers = [asyncio.create_task(worker()) for _ in range(WORKERS)]
    try:
        await asyncio.get_running_loop().create_future()  # until cancelled
    except asyncio.CancelledError:
        asyncio.current_task().uncancel()
    try:
        await inbox.close()
        done, unfinished = await asyncio.wait(workers, timeout=grace)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        return 1 if unfinished else 0
    finally:
        await db.close()


def main(grace: float = 10.0) -> int:
    return asyncio.run(serve(grace))


if __name__ == "__main__":
    sys.exit(main())
