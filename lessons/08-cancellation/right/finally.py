import asyncio


async def cancelable_task(log: list[str]) -> None:
    try:
        while True:
            log.append("working")
            await asyncio.sleep(1)
    finally:
        log.append("cleanup")
