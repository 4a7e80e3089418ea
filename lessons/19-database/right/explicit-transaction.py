import asyncio

import aiosqlite


async def balance_of(db_path: str, name: str) -> int:
    async with aiosqlite.connect(db_path) as db:
        async with db.execute("SELECT balance FROM accounts WHERE name = ?", (name,)) as cursor:
            row = await cursor.fetchone()
    if row is None:
        raise KeyError(name)
    return row[0]


async def balances(db_path: str, names: list[str]) -> dict[str, int]:
    async with asyncio.TaskGroup() as group:
        reads = {name: group.create_task(balance_of(db_path, name)) for name in names}
    return {name: read.result() for name, read in reads.items()}


async def transfer(db_path: str, source: str, target: str, amount: int) -> None:
    # isolation_level=None: no implicit transactions, so BEGIN / COMMIT / ROLLBACK are written out.
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        await db.execute("BEGIN")
        try:
            await db.execute("UPDATE accounts SET balance = balance - ? WHERE name = ?", (amount, source))
            cursor = await db.execute("UPDATE accounts SET balance = balance + ? WHERE name = ?", (amount, target))
            if cursor.rowcount == 0:
                raise ValueError(f"no account named {target!r}")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        await db.execute("COMMIT")
