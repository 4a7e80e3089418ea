import asyncio
import time


def legacy_lookup(key: str) -> str:
    time.sleep(0.2)
    return key.upper()


async def lookup_all(keys: list[str]) -> list[str]:
    async with asyncio.TaskGroup() as tg:
        lookups = [tg.create_task(asyncio.to_thread(legacy_lookup, key)) for key in keys]
    return [lookup.result() for lookup in lookups]
