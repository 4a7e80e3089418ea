import asyncio


async def cancelable_task(log: list[str]) -> None:
    """Work every second until cancelled; clean up once, then stop cancelled."""
    try:
        while True:
            log.append("working")
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        log.append("cleanup")
        raise
