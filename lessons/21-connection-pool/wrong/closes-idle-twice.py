# expect: fail behaviour
import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable


class Pool:
    """At most `size` connections, made on demand by `connect`, lent out one caller at a time."""

    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._slots = asyncio.Semaphore(size)  # one slot per connection that may exist or be lent
        self._idle: list[Any] = []  # connections made and not lent out right now
        self._all: list[Any] = []  # every connection made, to close them at the end

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        async with self._slots:  # waiters queue here, first come first served
            if self._idle:
                conn = self._idle.pop()
            else:
                conn = await self._connect()  # if this fails, the slot is given back by `async with`
                self._all.append(conn)
            try:
                yield conn
            finally:
                self._idle.append(conn)  # back in the pool, whatever happened to the caller

    async def close(self) -> None:
        for conn in self._all + self._idle:  # the idle ones are in both lists: closed twice
            await conn.close()
        self._all.clear()
        self._idle.clear()
