import asyncio


class Shop:
    def __init__(self) -> None:
        self.stock = 0
        self._open = asyncio.Event()
        self._changed = asyncio.Condition()

    def open(self) -> None:
        self._open.set()

    async def enter(self) -> None:
        if not self._open.is_set():
            await self._open.wait()

    async def restock(self, count: int) -> None:
        async with self._changed:
            self.stock += count
            self._changed.notify_all()

    async def buy(self, count: int) -> None:
        await self.enter()
        async with self._changed:
            while self.stock < count:
                await self._changed.wait()
            self.stock -= count
