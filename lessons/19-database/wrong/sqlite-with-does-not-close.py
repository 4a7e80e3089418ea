# expect: fail behaviour
import asyncio
import sqlite3


def read_balance(db_path: str, name: str) -> int:
    with sqlite3.connect(db_path) as db:  # `with` commits or rolls back; it does not close the connection
        row = db.execute("SELECT balance FROM accounts WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise KeyError(name)
    return row[0]


def move_money(db_path: str, source: str, target: str, amount: int) -> None:
    db = sqlite3.connect(db_path)
    try:
        with db:
            db.execute("UPDATE accounts SET balance = balance - ? WHERE name = ?", (amount, source))
            cursor = db.execute("UPDATE accounts SET balance = balance + ? WHERE name = ?", (amount, target))
            if cursor.rowcount != 1:
                raise ValueError(f"no account named {target!r}")
    finally:
        db.close()


async def balances(db_path: str, names: list[str]) -> dict[str, int]:
    amounts = await asyncio.gather(*(asyncio.to_thread(read_balance, db_path, name) for name in names))
    return dict(zip(names, amounts))


async def transfer(db_path: str, source: str, target: str, amount: int) -> None:
    await asyncio.to_thread(move_money, db_path, source, target, amount)
