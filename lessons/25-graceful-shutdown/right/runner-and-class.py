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


class Service:
    """The service as an object; main() drives it with an explicit asyncio.Runner."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.stopping: asyncio.Event | None = None

    def stop(self) -> None:
        assert self.stopping is not None
        self.stopping.set()

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        self.stopping = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop)
        self.db = await open_database()
        self.inbox = await open_inbox()
        workers = [loop.create_task(self.work()) for _ in range(WORKERS)]
        try:
            await self.stopping.wait()
            await self.inbox.close()
            deadline = loop.call_later(self.grace, self.cancel, workers)  # the end of the grace period
            outcomes = await asyncio.gather(*workers, return_exceptions=True)
            deadline.cancel()
            return 1 if any(isinstance(outcome, asyncio.CancelledError) for outcome in outcomes) else 0
        finally:
            await self.db.close()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)

    @staticmethod
    def cancel(workers: list[asyncio.Task[None]]) -> None:
        for task in workers:
            task.cancel()

    async def work(self) -> None:
        while (job := await self.inbox.get()) is not None:
            try:
                await process(job, self.db)
            except asyncio.CancelledError:
                await self.inbox.requeue(job)
                raise


def main(grace: float = 10.0) -> int:
    with asyncio.Runner() as runner:
        return runner.run(Service(grace).run())


if __name__ == "__main__":
    sys.exit(main())
