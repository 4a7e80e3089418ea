# expect: fail behaviour
import asyncio
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable


class Pool:
    """Waiting callers queue up with a future each; a returned connection is handed to the first of them."""

    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._size = size
        self._made = 0
        self._idle: list[Any] = []
        self._all: list[Any] = []
        self._waiters: deque[asyncio.Future[Any]] = deque()

    async def _take(self) -> Any:
        if self._idle:
            return self._idle.pop()
        if self._made < self._size:
            self._made += 1
            try:
                conn = await self._connect()
            except BaseException:
                self._made -= 1
                raise
            self._all.append(conn)
            return conn
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        return await waiter

    def _give_back(self, conn: Any) -> None:
        if self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.cancelled():
                waiter.set_result(conn)
            # a cancelled waiter's connection goes nowhere: it is lost to the pool
        else:
            self._idle.append(conn)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        conn = await self._take()
        try:
            yield conn
        finally:
            self._give_back(conn)

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
