import asyncio

import aiosqlite

BALANCE = "SELECT balance FROM accounts WHERE name = ?"


async def balances(db_path: str, names: list[str]) -> dict[str, int]:
    async def read(name: str) -> tuple[str, int]:
        db = await aiosqlite.connect(db_path)
        try:
            cursor = await db.execute(BALANCE, (name,))
            (amount,) = await cursor.fetchone()
            await cursor.close()
            return name, amount
        finally:
            await db.close()

    return dict(await asyncio.gather(*map(read, names)))


async def transfer(db_path: str, source: str, target: str, amount: int) -> None:
    async with aiosqlite.connect(db_path) as db:
        async with db.execute("SELECT 1 FROM accounts WHERE name = ?", (target,)) as cursor:
            if await cursor.fetchone() is None:
                raise ValueError(f"no account named {target!r}")  # before anything changed
        try:
            await db.execute("UPDATE accounts SET balance = balance - ? WHERE name = ?", (amount, source))
            await db.execute("UPDATE accounts SET balance = balance + ? WHERE name = ?", (amount, target))
        except Exception:
            await db.rollback()  # the CHECK refused the debit: nothing is kept
            raise
        await db.commit()
