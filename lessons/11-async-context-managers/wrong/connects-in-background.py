# expect: fail behaviour
import asyncio
from contextlib import asynccontextmanager
from types import TracebackType
from typing import AsyncIterator


async def connect(host: str) -> int:
    """Opens a connection to `host` (simulated I/O) and returns its id."""
    await asyncio.sleep(0.05)
    return 1


async def disconnect(conn: int) -> None:
    """Closes connection `conn` (simulated I/O)."""
    await asyncio.sleep(0.02)


class Connection:
    def __init__(self, host: str) -> None:
        self.host = host
        self.conn: int | None = None

    async def __aenter__(self) -> "Connection":
        # Don't make the caller wait: connect in the background. The block starts before the connection is open.
        self._connecting = asyncio.create_task(connect(self.host))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.conn = await self._connecting
        await disconnect(self.conn)
        # Returning None (falsy) lets any exception from the block carry on.


@asynccontextmanager
async def connection(host: str) -> AsyncIterator[int]:
    conn = await connect(host)
    try:
        yield conn
    finally:
        await disconnect(conn)
