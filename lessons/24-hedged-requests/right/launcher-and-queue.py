"""A launcher task asks the replicas on schedule; their outcomes arrive on a queue, in the order they happen."""
import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    outcomes: asyncio.Queue[tuple[int, object, BaseException | None]] = asyncio.Queue()
    failed = [asyncio.Event() for _ in replicas]
    workers: list[asyncio.Task[None]] = []

    async def ask(index: int) -> None:
        try:
            value = await replicas[index]()
        except Exception as error:
            failed[index].set()
            outcomes.put_nowait((index, None, error))
        else:
            outcomes.put_nowait((index, value, None))

    async def launch() -> None:
        for index in range(len(replicas)):
            workers.append(asyncio.create_task(ask(index)))
            if index + 1 < len(replicas):
                try:
                    await asyncio.wait_for(failed[index].wait(), timeout=delay)
                except TimeoutError:
                    pass

    launcher = asyncio.create_task(launch())
    try:
        errors: list[BaseException] = []
        while len(errors) < len(replicas):
            _, value, error = await outcomes.get()
            if error is None:
                return value  # type: ignore[return-value]
            errors.append(error)
        raise ExceptionGroup("every replica failed", errors)
    finally:
        launcher.cancel()
        await asyncio.gather(launcher, return_exceptions=True)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
