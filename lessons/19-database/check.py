"""Grades 19-database: concurrent reads and an all-or-nothing transfer, off the loop thread.

The grader builds a real SQLite database for each scenario and makes every statement
take a different, known time (a trace callback that sleeps: on a worker thread that is
virtual time, on the event loop thread it is a blocking call). Balances are read back
with the grader's own connection, so a transfer that half happened shows, and every
connection the learner's code opens is on a ledger that notes whether it was closed.
What "Your exercise" asks, and the scenario that checks it:

- `balances` returns each named account's balance → *balances reads every account*
  (`behaviour`; wrong/returns-rows)
- its queries run concurrently, one connection each → the same scenario, from the
  virtual time taken (`concurrency`; wrong/one-query-at-a-time,
  wrong/gather-on-one-connection)
- every connection closed → the connection ledger, after every call of either
  function (`behaviour`; wrong/connections-never-closed, wrong/sqlite-with-does-not-close)
- `transfer` moves the amount in one transaction → *transfer moves money*
  (wrong/commit-each-update)
- a missing target raises ValueError, a debit below zero raises
  sqlite3.IntegrityError; either way nothing changes and the error reaches the caller
  → the same scenario (wrong/no-rowcount-check, wrong/swallow-the-error)
- no database call on the event loop thread → generic `blocking`
  (wrong/sqlite3-on-the-loop, wrong/blocking-transaction)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

import aiosqlite

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


class LedgerConnection(sqlite3.Connection):
    """A sqlite3 connection that notes being closed (by its owner, not by the garbage collector)."""

    closed_by_owner = False

    def close(self) -> None:
        self.closed_by_owner = True
        super().close()


class Ledger:
    """Every connection the learner's code opened while the ledger was installed."""

    def __init__(self) -> None:
        self.opened: list[sqlite3.Connection] = []
        self.untracked = 0  # opened with a factory of the learner's own: cannot tell whether it was closed
        self.abandoned = 0  # aiosqlite connections garbage-collected while still open (aiosqlite then closes them)
        self.on_loop_thread = False  # a statement ran on the event loop thread (the blocking check reports it)

    def still_open(self, since: int = 0) -> int:
        return sum(1 for c in self.opened[since:] if not getattr(c, "closed_by_owner", True))


LEDGER = Ledger()
_aiosqlite_del = aiosqlite.Connection.__del__


def _noting_abandoned(connection: aiosqlite.Connection) -> None:
    """aiosqlite.Connection.__del__, noting a connection dropped without being closed first."""
    if getattr(connection, "_connection", None) is not None:
        LEDGER.abandoned += 1
    _aiosqlite_del(connection)


def traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    """sqlite3.connect whose statements take virtual time (aiosqlite and asyncio.to_thread call it in their thread)."""
    if "factory" in kwargs:
        LEDGER.untracked += 1
    else:
        kwargs["factory"] = LedgerConnection
    connection = real_connect(*args, **kwargs)
    connection.set_trace_callback(lambda statement: run_statement(statement))
    LEDGER.opened.append(connection)
    return connection


def run_statement(statement: str) -> None:
    """Takes the statement's time: virtual on a worker thread, a stalled loop on the loop thread."""
    if threading.current_thread() is threading.main_thread():
        LEDGER.on_loop_thread = True
    time.sleep(latency(statement))


def judge_closing(t: Trial, call: str, since: int, abandoned_before: int) -> None:
    """Every connection opened since ``since`` must have been closed by its owner by now (the call has returned)."""
    opened = len(LEDGER.opened) - since
    left = LEDGER.still_open(since)
    dropped = LEDGER.abandoned - abandoned_before
    if dropped and not left:
        how = (f"{dropped} of them were never closed: aiosqlite closed them itself when they were garbage-collected "
               "(with a ResourceWarning: \"deleted before being closed\")")
    else:
        how = f"returned with {left} still open"
    t.expect("behaviour", left == 0 and dropped == 0,
             f"{call} opened {opened} connection(s) and {how}. An open connection holds its file (and, with aiosqlite, "
             "a thread) until it is closed, and the garbage collector closes it late, or never: close each connection "
             "when you are done with it. (sqlite3's `with connection:` commits or rolls back; it does not close.)",
             "every connection was closed")


@contextmanager
def database(t: Trial) -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="asynclings-db-")
    path = os.path.join(folder, "bank.sqlite3")
    with real_connect(path) as db:
        db.execute("CREATE TABLE accounts (name TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0))")
        db.executemany("INSERT INTO accounts VALUES (?, ?)", ACCOUNTS.items())
    sqlite3.connect = traced_connect  # type: ignore[assignment]
    aiosqlite.Connection.__del__ = _noting_abandoned  # type: ignore[method-assign]
    try:
        yield path
    finally:
        sqlite3.connect = real_connect  # type: ignore[assignment]
        aiosqlite.Connection.__del__ = _aiosqlite_del  # type: ignore[method-assign]
        # A sandboxed grade's /tmp is discarded anyway; a grade run elsewhere (the harness's own tests) is not.
        shutil.rmtree(folder, ignore_errors=True)


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
            started, since, abandoned = t.now, len(LEDGER.opened), LEDGER.abandoned
            LEDGER.on_loop_thread = False
            got = await t.call(balances, path, list(names))
            took = t.now - started
            judge_closing(t, f"balances(db, {names})", since, abandoned)
        expected = {n: ACCOUNTS[n] for n in names}
        t.expect("behaviour", got == expected, f"balances(db, {names}) returned {t.show(got)}; expected {t.show(expected)}.")
        longest, total = max(QUERY_LATENCY[n] for n in names), sum(QUERY_LATENCY[n] for n in names)
        why = ("they ran on the event loop thread, so each one stopped everything else until it finished (see the "
               "blocking check)" if LEDGER.on_loop_thread else
               "a connection runs one statement at a time, whatever the driver: independent queries run at once only "
               "on connections of their own, started together")
        t.expect("concurrency", took <= longest + 0.1 + 1e-6,
                 f"balances(db, {names}) took {took:g} s; its queries take {', '.join(f'{QUERY_LATENCY[n]:g}' for n in names)} s "
                 f"each, so at once they take {longest:g} s (one after another: {total:g} s). The queries waited for "
                 f"each other: {why}.",
                 "the queries ran concurrently", follows="blocking" if LEDGER.on_loop_thread else None)
    with database(t) as path:
        got = await t.call(balances, path, [])
    t.expect("behaviour", got == {}, f"balances(db, []) returned {t.show(got)}; it should return {{}}.")


@scenario("transfer moves money in one transaction")
async def transfers(t: Trial) -> None:
    transfer = t.function("transfer", is_async=True, signature="async def transfer(db_path: str, source: str, target: str, amount: int) -> None")
    with database(t) as path:
        since, abandoned = len(LEDGER.opened), LEDGER.abandoned
        await t.call(transfer, path, "chen", "brian", 55)
        after = stored(path)
        judge_closing(t, "transfer(db, 'chen', 'brian', 55)", since, abandoned)
    expected = dict(ACCOUNTS, chen=ACCOUNTS["chen"] - 55, brian=ACCOUNTS["brian"] + 55)
    t.expect("behaviour", after == expected,
             f"after transfer(db, 'chen', 'brian', 55) the balances were {t.show(after)}; expected {t.show(expected)}. "
             "Both updates must be saved: nothing is kept until the transaction is committed.")

    cases = [
        ("dora", "zoe", 30, ValueError, "the target account 'zoe' does not exist"),
        ("emil", "ada", 25, sqlite3.IntegrityError, "'emil' has only 10, and the table's CHECK (balance >= 0) refuses the debit"),
    ]
    for source, target, amount, kind, why in cases:
        with database(t) as path:
            raised: BaseException | None = None
            since, abandoned = len(LEDGER.opened), LEDGER.abandoned
            try:
                await t.call(transfer, path, source, target, amount)
            except Exception as error:
                raised = error
            after = stored(path)
            call = f"transfer(db, {source!r}, {target!r}, {amount})"
            judge_closing(t, call + " (which fails)", since, abandoned)
        t.expect("behaviour", after == ACCOUNTS,
                 f"{call} failed ({why}), yet the balances changed to {t.show(after)}: part of the transfer was saved. "
                 "Both updates belong to one transaction: nothing saved until both have succeeded, everything undone "
                 "when anything fails.")
        t.expect("behaviour", isinstance(raised, kind),
                 f"{call} should fail with {kind.__name__} ({why}), but it "
                 + ("returned normally: the caller never learns the money did not move. Undo the transaction, and "
                    "let the error carry on to the caller."
                    if raised is None else f"raised {type(raised).__name__}: {raised}."),
                 "failed transfers changed nothing and raised")
