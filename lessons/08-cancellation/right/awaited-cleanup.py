import asyncio


async def close_connection(log: list[str]) -> None:
    """Closing a connection takes a moment: the goodbye has to reach the server."""
    await asyncio.sleep(0.1)
    log.append("cleanup")


async def cancelable_task(log: list[str]) -> None:
    try:
        while True:
            log.append("working")
            await asyncio.sleep(1)
    except asyncio.CancelledError:
        await close_connection(log)
        raise
