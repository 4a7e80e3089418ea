# expect: fail behaviour
import asyncio


async def cancelable_task(log: list[str]) -> None:
    try:
        while True:
            await asyncio.sleep(1)
            log.append("working")
    except asyncio.CancelledError:
        log.append("cleanup")
        raise
