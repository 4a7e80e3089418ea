# expect: fail concurrency
import asyncio

import aiosqlite


async def balances(db_path: str, names: list[str]) -> dict[str, int]:
    result = {}
    async with aiosqlite.connect(db_path) as db:
        for name in names:  # one query after another
            async with db.execute("SELECT balance FROM accounts WHERE name = ?", (name,)) as cursor:
                result[name] = (await cursor.fetchone())[0]
    return result


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
