"""A TaskGroup runs the race; each attempt waits for its turn; the winner ends the group with a private exception."""
import asyncio
from typing import Any, Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


class _Answered(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    errors: list[BaseException] = []
    failed = [asyncio.Event() for _ in replicas]

    async def attempt(index: int, group: asyncio.TaskGroup) -> None:
        if index > 0:
            try:
                async with asyncio.timeout(delay):
                    await failed[index - 1].wait()  # the previous one failed: no need to wait out the delay
            except TimeoutError:
                pass
        if index + 1 < len(replicas):
            group.create_task(attempt(index + 1, group))
        try:
            value = await replicas[index]()
        except Exception as error:
            errors.append(error)
            failed[index].set()
            return
        raise _Answered(value)  # makes the group cancel every other attempt, and wait for them

    answers: list[T] = []
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(attempt(0, group))
    except* _Answered as answered:
        answers.append(answered.exceptions[0].value)  # type: ignore[attr-defined]
    if answers:
        return answers[0]
    raise ExceptionGroup("every replica failed", errors)
