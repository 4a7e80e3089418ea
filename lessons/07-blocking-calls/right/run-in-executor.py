import asyncio
import time


def legacy_lookup(key: str) -> str:
    """A blocking call we cannot change: 0.2 seconds, then the answer."""
    time.sleep(0.2)
    return key.upper()


async def lookup_all(keys: list[str]) -> list[str]:
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(None, legacy_lookup, key) for key in keys]
    return list(await asyncio.gather(*futures))
