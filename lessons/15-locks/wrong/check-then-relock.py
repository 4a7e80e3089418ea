# expect: fail race
import asyncio


async def store(balance: int) -> None:
    """Saves the balance (simulated I/O: a database write)."""
    await asyncio.sleep(0.01)


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self._lock = asyncio.Lock()

    async def _has(self, amount: int) -> bool:
        async with self._lock:
            return self.balance >= amount

    async def deposit(self, amount: int) -> None:
        async with self._lock:
            new_balance = self.balance + amount
            await store(new_balance)
            self.balance = new_balance

    async def withdraw(self, amount: int) -> bool:
        if not await self._has(amount):  # the lock is released between the check and the update
            return False
        async with self._lock:
            new_balance = self.balance - amount
            await store(new_balance)
            self.balance = new_balance
            return True
