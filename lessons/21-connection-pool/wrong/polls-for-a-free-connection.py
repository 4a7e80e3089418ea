# expect: fail behaviour
import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable


class Pool:
    """At most `size` connections, made on demand by `connect`, lent out one caller at a time."""

    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._size = size
        self._idle: list[Any] = []
        self._all: list[Any] = []
        self._opening = 0

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        # Look again every 50 ms: whoever happens to look first after a connection comes back gets it.
        while not self._idle and len(self._all) + self._opening >= self._size:
            await asyncio.sleep(0.05)
        if self._idle:
            conn = self._idle.pop()
        else:
            self._opening += 1
            try:
                conn = await self._connect()
            finally:
                self._opening -= 1
            self._all.append(conn)
        try:
            yield conn
        finally:
            self._idle.append(conn)

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
        self._all.clear()
        self._idle.clear()
