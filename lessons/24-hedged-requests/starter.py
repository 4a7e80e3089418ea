import asyncio
from typing import Awaitable, Callable, Sequence, TypeVar

T = TypeVar("T")


async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T:
    # TODO: one replica at a time is slow when the first one is slow. Ask the next
    # replica when the previous one has not answered after `delay` seconds, or as
    # soon as it fails; return the first answer and cancel (and await) the others.
    for replica in replicas:
        try:
            return await replica()
        except Exception:
            continue
    raise RuntimeError("every replica failed")
