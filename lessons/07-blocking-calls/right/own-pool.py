import asyncio
import time
from concurrent.futures import ThreadPoolExecutor


def legacy_lookup(key: str) -> str:
    time.sleep(0.2)
    return key.upper()


async def lookup_all(keys: list[str]) -> list[str]:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="lookup") as pool:
        jobs = [loop.run_in_executor(pool, legacy_lookup, key) for key in keys]
        return [await job for job in jobs]
