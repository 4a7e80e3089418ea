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
        # TODO: open the connection and return the object `async with ... as` binds.
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # TODO: close the connection, and let any exception carry on.
        pass


@asynccontextmanager
async def connection(host: str) -> AsyncIterator[int]:
    # TODO: the same, as a generator: connect, yield the id, always disconnect.
    conn = await connect(host)
    yield conn
