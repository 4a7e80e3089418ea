# expect: fail behaviour
import asyncio


async def cancelable_task(log: list[str]) -> None:
    try:
        for _ in range(3):
            log.append("working")
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        log.append("cleanup")
        raise
