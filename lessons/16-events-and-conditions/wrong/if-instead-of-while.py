# expect: fail race
import asyncio


class Shop:
    def __init__(self) -> None:
        self.stock = 0
        self._opened = asyncio.Event()
        self._stock_changed = asyncio.Condition()

    def open(self) -> None:
        self._opened.set()  # wakes every task waiting in enter(); later ones pass straight through

    async def enter(self) -> None:
        await self._opened.wait()

    async def restock(self, count: int) -> None:
        async with self._stock_changed:
            self.stock += count
            self._stock_changed.notify_all()  # every waiting buyer re-checks its own need

    async def buy(self, count: int) -> None:
        await self.enter()
        async with self._stock_changed:
            if self.stock < count:
                await self._stock_changed.wait()  # woken: but is there enough *now*?
            self.stock -= count
