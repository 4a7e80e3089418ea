# expect: fail concurrency
import asyncio
import time


def legacy_lookup(key: str) -> str:
    """A blocking call we cannot change: 0.2 seconds, then the answer."""
    time.sleep(0.2)
    return key.upper()


async def lookup_all(keys: list[str]) -> list[str]:
    results = []
    for key in keys:
        results.append(await asyncio.to_thread(legacy_lookup, key))
    return results
