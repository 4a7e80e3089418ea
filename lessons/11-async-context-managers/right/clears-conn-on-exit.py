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
    """Open inside `async with`, closed after it; `conn` is None whenever nothing is open."""

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
        if self.conn is None:
            return
        try:
            await disconnect(self.conn)
        finally:
            self.conn = None  # closed: nobody should use this id any more


@asynccontextmanager
async def connection(host: str) -> AsyncIterator[int]:
    # The class already knows how to open and close; the generator form can lean on it.
    async with Connection(host) as opened:
        assert opened.conn is not None
        yield opened.conn
