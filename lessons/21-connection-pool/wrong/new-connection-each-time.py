# expect: fail behaviour
import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable


class Pool:
    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._slots = asyncio.Semaphore(size)
        self._all: list[Any] = []

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        async with self._slots:
            conn = await self._connect()  # never reuses an idle connection
            self._all.append(conn)
            try:
                yield conn
            finally:
                pass

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
