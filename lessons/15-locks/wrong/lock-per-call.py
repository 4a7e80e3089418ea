# expect: fail race
import asyncio


async def store(balance: int) -> None:
    """Saves the balance (simulated I/O: a database write)."""
    await asyncio.sleep(0.01)


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance

    async def deposit(self, amount: int) -> None:
        async with asyncio.Lock():  # a new lock every call: nobody else ever waits on it
            new_balance = self.balance + amount
            await store(new_balance)
            self.balance = new_balance

    async def withdraw(self, amount: int) -> bool:
        async with asyncio.Lock():
            if self.balance < amount:
                return False
            new_balance = self.balance - amount
            await store(new_balance)
            self.balance = new_balance
            return True
