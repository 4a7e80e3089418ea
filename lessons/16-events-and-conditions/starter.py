import asyncio


class Shop:
    def __init__(self) -> None:
        self.stock = 0
        self.is_open = False

    def open(self) -> None:
        self.is_open = True

    async def enter(self) -> None:
        # TODO: this checks every 0.1 s, so a customer can stand at an open door for
        # almost 0.1 s. Wait for the opening itself instead (asyncio.Event).
        while not self.is_open:
            await asyncio.sleep(0.1)

    async def restock(self, count: int) -> None:
        self.stock += count

    async def buy(self, count: int) -> None:
        await self.enter()
        # TODO: same problem. Wait for the stock to change (asyncio.Condition).
        while self.stock < count:
            await asyncio.sleep(0.1)
        self.stock -= count
