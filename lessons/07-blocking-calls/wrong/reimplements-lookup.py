# expect: fail behaviour
import asyncio
import time


def legacy_lookup(key: str) -> str:
    """A blocking call we cannot change: 0.2 seconds, then the answer."""
    time.sleep(0.2)
    return key.upper()


async def lookup_all(keys: list[str]) -> list[str]:
    # Skips the slow service and works the answer out here.
    await asyncio.sleep(0.2)
    return [key.upper() for key in keys]
