import asyncio


async def cancelable_task(log: list[str]) -> None:
    """Work every second until cancelled; clean up once, then stop cancelled."""
    while True:
        log.append("working")
        await asyncio.sleep(1)
    # TODO: when the task is cancelled, append "cleanup" to log exactly once,
    # and let the cancellation carry on.
