# expect: fail unawaited
import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable


class Pool:
    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._slots = asyncio.Semaphore(size)
        self._idle: list[Any] = []
        self._all: list[Any] = []

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        async with self._slots:
            if self._idle:
                conn = self._idle.pop()
            else:
                conn = await self._connect()
                self._all.append(conn)
            try:
                yield conn
            finally:
                self._idle.append(conn)

    async def close(self) -> None:
        for conn in self._all:
            conn.close()  # a coroutine made and dropped: nothing is closed
