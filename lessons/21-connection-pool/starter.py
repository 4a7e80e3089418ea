import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable


class Pool:
    """At most `size` connections, made on demand by `connect`, lent out one caller at a time."""

    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._size = size

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        # TODO: this opens a new connection for every caller and never reuses or closes it.
        # Keep at most `size` connections, lend idle ones out, make callers wait in turn.
        conn = await self._connect()
        yield conn

    async def close(self) -> None:
        # TODO: close every connection the pool made.
        pass
