import asyncio


async def store(balance: int) -> None:
    await asyncio.sleep(0.01)


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance
        self._lock = asyncio.Lock()

    async def deposit(self, amount: int) -> None:
        await self._lock.acquire()
        try:
            new_balance = self.balance + amount
            await store(new_balance)
            self.balance = new_balance
        finally:
            self._lock.release()

    async def withdraw(self, amount: int) -> bool:
        if self.balance < amount:
            return False  # refusing needs no lock: nothing is written
        async with self._lock:
            if self.balance < amount:  # checked again: it may have changed while we waited
                return False
            new_balance = self.balance - amount
            await store(new_balance)
            self.balance = new_balance
            return True
