import asyncio


async def store(balance: int) -> None:
    """Saves the balance (simulated I/O: a database write)."""
    await asyncio.sleep(0.01)


class Account:
    def __init__(self, balance: int = 0) -> None:
        self.balance = balance

    async def deposit(self, amount: int) -> None:
        # TODO: two deposits at once can both read the same balance here...
        new_balance = self.balance + amount
        await store(new_balance)
        self.balance = new_balance

    async def withdraw(self, amount: int) -> bool:
        # TODO: ...and two withdrawals can both pass this check.
        if self.balance < amount:
            return False
        new_balance = self.balance - amount
        await store(new_balance)
        self.balance = new_balance
        return True
