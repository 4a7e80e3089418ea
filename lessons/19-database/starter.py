import asyncio
import sqlite3


async def balances(db_path: str, names: list[str]) -> dict[str, int]:
    # TODO: sqlite3 blocks the event loop, and the queries run one after another.
    # Use aiosqlite (or asyncio.to_thread) and run the queries concurrently.
    db = sqlite3.connect(db_path)
    result = {}
    for name in names:
        result[name] = db.execute("SELECT balance FROM accounts WHERE name = ?", (name,)).fetchone()[0]
    db.close()
    return result


async def transfer(db_path: str, source: str, target: str, amount: int) -> None:
    # TODO: both updates in one transaction that is rolled back if anything fails.
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("UPDATE accounts SET balance = balance - ? WHERE name = ?", (amount, source))
    db.execute("UPDATE accounts SET balance = balance + ? WHERE name = ?", (amount, target))
    db.close()
