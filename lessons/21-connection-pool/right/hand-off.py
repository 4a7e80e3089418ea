import asyncio
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable

MAKE_ONE = object()  # handed to a waiter instead of a connection: "you may open a new one"


class Pool:
    """A returned connection is handed straight to the caller that has waited longest."""

    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._size = size
        self._made = 0  # connections made or being made
        self._idle: list[Any] = []
        self._all: list[Any] = []
        self._waiting: deque[asyncio.Future[Any]] = deque()

    def _hand(self, item: Any) -> bool:
        """Gives `item` to the longest waiter still waiting; False when there is none."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():  # skip the ones cancelled while waiting
                waiter.set_result(item)
                return True
        return False

    def _give_back(self, conn: Any) -> None:
        if not self._hand(conn):
            self._idle.append(conn)

    def _slot_freed(self) -> None:
        self._made -= 1
        if self._hand(MAKE_ONE):
            self._made += 1  # reserved for the waiter we just woke

    async def _open(self) -> Any:
        try:
            conn = await self._connect()
        except BaseException:
            self._slot_freed()
            raise
        self._all.append(conn)
        return conn

    async def _take(self) -> Any:
        if self._idle:
            return self._idle.pop()
        if self._made < self._size:
            self._made += 1
            return await self._open()
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            item = await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed something just as we were cancelled
                got = waiter.result()
                if got is MAKE_ONE:
                    self._slot_freed()
                else:
                    self._give_back(got)
            raise
        return await self._open() if item is MAKE_ONE else item

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
        self._all.clear()
        self._idle.clear()
