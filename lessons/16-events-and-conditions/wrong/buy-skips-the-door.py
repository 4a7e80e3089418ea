# expect: fail behaviour
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
        async with self._stock_changed:
            # wait_for re-checks the condition each time it is woken, holding the lock
            await self._stock_changed.wait_for(lambda: self.stock >= count)
            self.stock -= count
