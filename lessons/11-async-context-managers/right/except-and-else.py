import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator


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
        self.conn = 0

    async def __aenter__(self) -> "Connection":
        self.conn = await connect(self.host)
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        # Shielded: if the task is cancelled again while closing, the close still finishes.
        await asyncio.shield(disconnect(self.conn))


@asynccontextmanager
async def connection(host: str) -> AsyncIterator[int]:
    conn = await connect(host)
    try:
        yield conn
    except BaseException:  # errors *and* cancellation: close, then let it carry on
        await disconnect(conn)
        raise
    else:
        await disconnect(conn)
