# expect: fail behaviour
import asyncio


async def store(balance: int) -> None:
    """Saves the balance (simulated I/O: a database write)."""
    await asyncio.sleep(0.01)


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self._lock = asyncio.Lock()

    async def deposit(self, amount: int) -> None:
        async with self._lock:
            new_balance = self.balance + amount
            await store(new_balance)
            self.balance = new_balance

    async def withdraw(self, amount: int) -> bool:
        async with self._lock:
            if self.balance <= amount:  # refuses to take out exactly what is there
                return False
            new_balance = self.balance - amount
            await store(new_balance)
            self.balance = new_balance
            return True
