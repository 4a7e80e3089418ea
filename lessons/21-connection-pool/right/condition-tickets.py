import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable


class Pool:
    """Callers take a numbered ticket and are served strictly in ticket order, on one Condition."""

    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._size = size
        self._changed = asyncio.Condition()
        self._next_ticket = 0
        self._now_serving = 0
        self._abandoned: set[int] = set()  # tickets of callers cancelled while waiting
        self._made = 0  # connections made or being made
        self._idle: list[Any] = []
        self._all: list[Any] = []

    def _next_turn(self) -> None:
        self._now_serving += 1
        while self._now_serving in self._abandoned:
            self._abandoned.discard(self._now_serving)
            self._now_serving += 1
        self._changed.notify_all()

    def _can_serve(self, ticket: int) -> bool:
        return self._now_serving == ticket and (bool(self._idle) or self._made < self._size)

    async def _take(self) -> Any:
        async with self._changed:
            ticket = self._next_ticket
            self._next_ticket += 1
            try:
                await self._changed.wait_for(lambda: self._can_serve(ticket))
            except BaseException:
                if self._now_serving == ticket:
                    self._next_turn()
                else:
                    self._abandoned.add(ticket)
                raise
            self._next_turn()
            if self._idle:
                return self._idle.pop()
            self._made += 1
        try:
            conn = await self._connect()
        except BaseException:
            async with self._changed:
                self._made -= 1
                self._changed.notify_all()
            raise
        self._all.append(conn)
        return conn

    async def _give_back(self, conn: Any) -> None:
        async with self._changed:
            self._idle.append(conn)
            self._changed.notify_all()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        conn = await self._take()
        try:
            yield conn
        finally:
            await asyncio.shield(self._give_back(conn))  # a cancelled caller still gives it back

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()
        self._all.clear()
        self._idle.clear()
