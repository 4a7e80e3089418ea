import asyncio


class Shop:
    """Buyers who cannot be served yet wait on a future of their own; deliveries hand the stock out."""

    def __init__(self) -> None:
        self.stock = 0
        self._open = asyncio.Event()
        self._waiting: list[tuple[int, asyncio.Future[None]]] = []

    def open(self) -> None:
        self._open.set()

    async def enter(self) -> None:
        await self._open.wait()

    def _serve(self) -> None:
        """Gives stock to every waiting buyer it is enough for, in the order they came."""
        still_waiting = []
        for count, served in self._waiting:
            if served.done():
                continue  # that buyer was cancelled
            if count <= self.stock:
                self.stock -= count
                served.set_result(None)
            else:
                still_waiting.append((count, served))
        self._waiting = still_waiting

    async def restock(self, count: int) -> None:
        self.stock += count
        self._serve()

    async def buy(self, count: int) -> None:
        await self.enter()
        if count <= self.stock:
            self.stock -= count
            return
        served = asyncio.get_running_loop().create_future()
        self._waiting.append((count, served))
        try:
            await served
        except asyncio.CancelledError:
            if served.done() and not served.cancelled():
                self.stock += count  # handed over just as we were cancelled: give it back
                self._serve()
            raise
