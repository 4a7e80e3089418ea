import asyncio


async def cancelable_task(log: list[str]) -> None:
    cancelled = False
    try:
        while True:
            log.append("working")
            await asyncio.sleep(1.0)
    except BaseException:
        cancelled = True
        raise
    finally:
        if cancelled:
            log.append("cleanup")
