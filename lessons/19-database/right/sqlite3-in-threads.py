import asyncio
import sqlite3
from contextlib import closing


def read_balance(db_path: str, name: str) -> int:
    """Blocking: runs in a worker thread, with a connection of its own."""
    with closing(sqlite3.connect(db_path)) as db:
        row = db.execute("SELECT balance FROM accounts WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise KeyError(name)
    return row[0]


def move(db_path: str, source: str, target: str, amount: int) -> None:
    """Blocking: both updates in one transaction (`with db:` commits, or rolls back on an exception)."""
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute("UPDATE accounts SET balance = balance - ? WHERE name = ?", (amount, source))
        credited = db.execute("UPDATE accounts SET balance = balance + ? WHERE name = ?", (amount, target))
        if credited.rowcount != 1:
            raise ValueError(f"no account named {target!r}")


async def balances(db_path: str, names: list[str]) -> dict[str, int]:
    amounts = await asyncio.gather(*(asyncio.to_thread(read_balance, db_path, name) for name in names))
    return dict(zip(names, amounts))


async def transfer(db_path: str, source: str, target: str, amount: int) -> None:
    await asyncio.to_thread(move, db_path, source, target, amount)
