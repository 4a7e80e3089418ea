# expect: fail behaviour
import asyncio


async def cancelable_task(log: list[str]) -> None:
    while True:
        try:
            log.append("working")
            await asyncio.sleep(1)
        finally:
            log.append("cleanup")
