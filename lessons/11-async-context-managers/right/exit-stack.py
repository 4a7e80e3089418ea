import asyncio
from contextlib import AsyncExitStack, asynccontextmanager
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
        self._cleanup = AsyncExitStack()

    async def __aenter__(self) -> "Connection":
        conn = await connect(self.host)
        self._cleanup.push_async_callback(disconnect, conn)  # registered only once it is open
        self.conn = conn
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        await self._cleanup.aclose()
        return False  # never swallow what the block raised


@asynccontextmanager
async def connection(host: str) -> AsyncIterator[int]:
    async with AsyncExitStack() as stack:
        conn = await connect(host)
        stack.push_async_callback(disconnect, conn)
        yield conn
