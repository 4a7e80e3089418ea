# expect: fail behaviour
import asyncio


async def legacy_lookup(key: str) -> str:
    """Rewritten as a coroutine: but this stands for code we cannot change."""
    await asyncio.sleep(0.2)
    return key.upper()


async def lookup_all(keys: list[str]) -> list[str]:
    return list(await asyncio.gather(*(legacy_lookup(key) for key in keys)))
