# expect: fail bounded
import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable


class Pool:
    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._size = size
        self._made = 0
        self._idle: asyncio.Queue[Any] = asyncio.Queue()
        self._all: list[Any] = []

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        if self._idle.empty() and self._made < self._size:
            self._made += 1  # counted before connecting, never given back if connecting fails
            conn = await self._connect()
            self._all.append(conn)
        else:
            conn = await self._idle.get()
        try:
            yield conn
        finally:
            self._idle.put_nowait(conn)

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
