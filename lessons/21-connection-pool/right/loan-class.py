import asyncio
from types import TracebackType
from typing import Any, Awaitable, Callable


class Loan:
    """One borrowing of a connection: `async with pool.connection() as conn:`."""

    def __init__(self, pool: "Pool") -> None:
        self.pool = pool
        self.conn: Any = None

    async def __aenter__(self) -> Any:
        pool = self.pool
        await pool._slots.acquire()  # waiters are served in the order they arrived
        try:
            if pool._idle.empty():
                self.conn = await pool._connect()
                pool._made.append(self.conn)
            else:
                self.conn = pool._idle.get_nowait()
        except BaseException:
            pool._slots.release()  # connect failed (or we were cancelled): the slot is free again
            raise
        return self.conn

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.pool._idle.put_nowait(self.conn)
        self.pool._slots.release()


class Pool:
    def __init__(self, connect: Callable[[], Awaitable[Any]], size: int) -> None:
        self._connect = connect
        self._slots = asyncio.BoundedSemaphore(size)
        self._idle: asyncio.LifoQueue[Any] = asyncio.LifoQueue()  # only touched by a caller holding a slot
        self._made: list[Any] = []

    def connection(self) -> Loan:
        return Loan(self)

    async def close(self) -> None:
        made, self._made = self._made, []
        for conn in made:
            await conn.close()
