# expect: fail cancellation
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
        await self._slots.acquire()
        if self._idle:
            conn = self._idle.pop()
        else:
            conn = await self._connect()
            self._all.append(conn)
        yield conn
        # Never reached when the caller's block raises or is cancelled: the connection and its slot leak.
        self._idle.append(conn)
        self._slots.release()

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
