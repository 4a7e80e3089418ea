import asyncio


async def store(balance: int) -> None:
    """Saves the balance (simulated I/O: a database write)."""
    await asyncio.sleep(0.01)


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self._one_at_a_time = asyncio.BoundedSemaphore(1)  # a semaphore of one slot is a lock

    async def deposit(self, amount: int) -> None:
        async with self._one_at_a_time:
            total = self.balance + amount
            await store(total)
            self.balance = total

    async def withdraw(self, amount: int) -> bool:
        async with self._one_at_a_time:
            if amount > self.balance:
                return False
            remaining = self.balance - amount
            await store(remaining)
            self.balance = remaining
        return True
