"""Grades 19-database: concurrent reads and an all-or-nothing transfer, off the loop thread.

The grader builds a real SQLite database for each scenario and makes every statement
take a different, known time (a trace callback that sleeps: on a worker thread that is
virtual time, on the event loop thread it is a blocking call). Balances are read back
with the grader's own connection, so a transfer that half happened shows.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from typing import Any, Iterator

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour", "concurrency"]
REQUIRES = ['aiosqlite']  # third-party packages (requirements.txt) the exercise imports

ACCOUNTS = {"ada": 120, "brian": 40, "chen": 300, "dora": 75, "emil": 10}
QUERY_LATENCY = {"ada": 0.3, "brian": 0.5, "chen": 0.2, "dora": 0.4, "emil": 0.25}
real_connect = sqlite3.connect


def latency(statement: str) -> float:
    """Statements about one account take that account's time; anything else (BEGIN, COMMIT) 10 ms."""
    for name, seconds in QUERY_LATENCY.items():
        if f"'{name}'" in statement:
            return seconds
    return 0.01


def traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    """sqlite3.connect whose statements take virtual time (aiosqlite and asyncio.to_thread call it in their thread)."""
    connection = real_connect(*args, **kwargs)
    connection.set_trace_callback(lambda statement: time.sleep(latency(statement)))
    return connection


@contextmanager
def database(t: Trial) -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="asynclings-db-")
    path = os.path.join(folder, "bank.sqlite3")
    with real_connect(path) as db:
        db.execute("CREATE TABLE accounts (name TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0))")
        db.executemany("INSERT INTO accounts VALUES (?, ?)", ACCOUNTS.items())
    sqlite3.connect = traced_connect  # type: ignore[assignment]
    try:
        yield path
    finally:
        sqlite3.connect = real_connect  # type: ignore[assignment]


def stored(path: str) -> dict[str, int]:
    db = real_connect(path)
    try:
        return dict(db.execute("SELECT name, balance FROM accounts"))
    finally:
        db.close()


@scenario("balances reads every account at once")
async def reads(t: Trial) -> None:
    balances = t.function("balances", is_async=True, signature="async def balances(db_path: str, names: list[str]) -> dict[str, int]")
    for names in (["brian", "ada", "dora"], ["chen", "emil", "ada", "brian", "dora"], ["dora"]):
        with database(t) as path:
            started = t.now
            got = await t.call(balances, path, list(names))
            took = t.now - started
        expected = {n: ACCOUNTS[n] for n in names}
        t.expect("behaviour", got == expected, f"balances(db, {names}) returned {t.show(got)}; expected {t.show(expected)}.")
        longest, total = max(QUERY_LATENCY[n] for n in names), sum(QUERY_LATENCY[n] for n in names)
        t.expect("concurrency", took <= longest + 0.1 + 1e-6,
                 f"balances(db, {names}) took {took:g} s; its queries take {', '.join(f'{QUERY_LATENCY[n]:g}' for n in names)} s "
                 f"each, so at once they take {longest:g} s (one after another: {total:g} s). One aiosqlite connection runs "
                 "its queries one at a time: give each query its own connection and `asyncio.gather` them.",
                 "the queries ran concurrently")
    with database(t) as path:
        got = await t.call(balances, path, [])
    t.expect("behaviour", got == {}, f"balances(db, []) returned {t.show(got)}; it should return {{}}.")


@scenario("transfer moves money in one transaction")
async def transfers(t: Trial) -> None:
    transfer = t.function("transfer", is_async=True, signature="async def transfer(db_path: str, source: str, target: str, amount: int) -> None")
    with database(t) as path:
        await t.call(transfer, path, "chen", "brian", 55)
        after = stored(path)
    expected = dict(ACCOUNTS, chen=ACCOUNTS["chen"] - 55, brian=ACCOUNTS["brian"] + 55)
    t.expect("behaviour", after == expected,
             f"after transfer(db, 'chen', 'brian', 55) the balances were {t.show(after)}; expected {t.show(expected)}. "
             "Both updates must be committed (`await db.commit()`).")

    cases = [
        ("dora", "zoe", 30, ValueError, "the target account 'zoe' does not exist"),
        ("emil", "ada", 25, sqlite3.IntegrityError, "'emil' has only 10, and the table's CHECK (balance >= 0) refuses the debit"),
    ]
    for source, target, amount, kind, why in cases:
        with database(t) as path:
            raised: BaseException | None = None
            try:
                await t.call(transfer, path, source, target, amount)
            except Exception as error:
                raised = error
            after = stored(path)
        call = f"transfer(db, {source!r}, {target!r}, {amount})"
        t.expect("behaviour", after == ACCOUNTS,
                 f"{call} failed ({why}), yet the balances changed to {t.show(after)}: part of the transfer was saved. "
                 "Do both updates in one transaction: commit once, after both, and `await db.rollback()` when anything fails.")
        t.expect("behaviour", isinstance(raised, kind),
                 f"{call} should fail with {kind.__name__} ({why}), but it "
                 + ("returned normally: the caller never learns the money did not move. Roll back, then re-raise."
                    if raised is None else f"raised {type(raised).__name__}: {raised}."),
                 "failed transfers changed nothing and raised")
