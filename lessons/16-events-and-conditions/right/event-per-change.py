import asyncio


class Shop:
    def __init__(self) -> None:
        self.stock = 0
        self._door = asyncio.Event()
        self._restocked = asyncio.Event()  # replaced after every delivery: whoever waited on it wakes up

    def open(self) -> None:
        self._door.set()

    async def enter(self) -> None:
        await self._door.wait()

    async def restock(self, count: int) -> None:
        self.stock += count
        delivered, self._restocked = self._restocked, asyncio.Event()
        delivered.set()

    async def buy(self, count: int) -> None:
        await self.enter()
        while self.stock < count:
            await self._restocked.wait()
        # No await between the check above and this line: nobody else can take the items in between.
        self.stock -= count
