# expect: fail behaviour
import asyncio

import aiosqlite


async def balances(db_path: str, names: list[str]) -> dict[str, int]:
    async def one(name: str) -> int:
        # A connection per query: one aiosqlite connection runs its queries one at a time.
        async with aiosqlite.connect(db_path) as db:
            async with db.execute("SELECT balance FROM accounts WHERE name = ?", (name,)) as cursor:
                row = await cursor.fetchone()
        if row is None:
            raise KeyError(name)
        return row  # the whole row, a tuple: (120,) instead of 120

    amounts = await asyncio.gather(*(one(name) for name in names))
    return dict(zip(names, amounts))


async def transfer(db_path: str, source: str, target: str, amount: int) -> None:
    async with aiosqlite.connect(db_path) as db:
        try:
            await db.execute("UPDATE accounts SET balance = balance - ? WHERE name = ?", (amount, source))
            cursor = await db.execute("UPDATE accounts SET balance = balance + ? WHERE name = ?", (amount, target))
            if cursor.rowcount != 1:
                raise ValueError(f"no account named {target!r}")
            await db.commit()
        except BaseException:
            await db.rollback()  # neither update happened
            raise
