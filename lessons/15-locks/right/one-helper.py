import asyncio


async def store(balance: int) -> None:
    """Saves the balance (simulated I/O: a database write)."""
    await asyncio.sleep(0.01)


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self._writing = asyncio.Lock()

    async def _change(self, delta: int) -> bool:
        """Applies `delta` unless it would overdraw; the read, the store and the write are one step."""
        async with self._writing:
            new_balance = self.balance + delta
            if new_balance < 0:
                return False
            await store(new_balance)
            self.balance = new_balance
            return True

    async def deposit(self, amount: int) -> None:
        await self._change(amount)

    async def withdraw(self, amount: int) -> bool:
        return await self._change(-amount)
