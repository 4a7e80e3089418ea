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
        self.conn = await connect(self.host)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.conn is not None
        await disconnect(self.conn)
        # Returning None (falsy) lets any exception from the block carry on.


@asynccontextmanager
async def connection(host: str) -> AsyncIterator[int]:
    conn = await connect(host)
    try:
        yield  # marks where the block runs, but `as` gets None
    finally:
        await disconnect(conn)
