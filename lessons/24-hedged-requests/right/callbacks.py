"""Callbacks drive the race: a timer per hedge, a done-callback per replica, one future for the answer."""
import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[T] = loop.create_future()
    tasks: list[asyncio.Task[T]] = []
    errors: list[BaseException] = []
    timer: asyncio.TimerHandle | None = None

    def ask(index: int) -> None:
        nonlocal timer
        if answer.done() or index >= len(replicas) or index < len(tasks):
            return
        task = asyncio.ensure_future(replicas[index]())
        tasks.append(task)
        timer = loop.call_later(delay, ask, index + 1)
        task.add_done_callback(lambda finished: settled(index, finished))

    def settled(index: int, task: asyncio.Task[T]) -> None:
        if task.cancelled() or answer.done():
            return
        error = task.exception()
        if error is None:
            answer.set_result(task.result())
            return
        errors.append(error)
        if len(errors) == len(replicas):
            answer.set_exception(ExceptionGroup("every replica failed", errors))
        elif index == len(tasks) - 1:  # the newest replica failed: hedge now
            if timer is not None:
                timer.cancel()
            ask(index + 1)

    ask(0)
    try:
        return await answer
    finally:
        if timer is not None:
            timer.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
