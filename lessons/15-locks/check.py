"""Grades 15-locks: every Account operation is atomic across its await, under every schedule tried.

The invariant is *linearizability*: whatever order the grader's schedules run the
tellers in, the results and the final balance must be those of some order in which
the operations ran one at a time (respecting that an operation which finished
before another started came first), and each operation must have stored the
balance it left behind. What "Your exercise" asks, and the scenario that checks it:

- `Account(balance=0)` starts with that balance → *deposit and withdraw, one at a
  time* (`behaviour`; wrong/no-default-balance)
- deposit stores the new balance, then sets it → the same scenario watches the
  balance while store() runs (wrong/write-before-store)
- withdraw returns True, or False with nothing changed when funds are short;
  exactly the balance is allowed → the same scenario (wrong/exact-balance-refused)
- the balance is written only after store finished, store awaited once per
  operation → the same scenario (wrong/write-before-store)
- any mix at the same time behaves as one after another: no lost deposit, no
  overdraft, each store given the balance its operation leaves → *tellers working at
  once*, explored (`race`; wrong/deposit-unlocked, wrong/lock-around-write,
  wrong/lock-per-call, wrong/check-outside-lock, wrong/check-then-relock)
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass, field
from typing import Any

from asynclings_harness import Abort, Trial, scenario

CHECKS = ["behaviour", "race"]

STORE_LATENCY = 0.01
CONTRACT = ("`class Account` with `__init__(self, balance: int = 0)`, `async def deposit(self, amount: int) -> None` "
            "and `async def withdraw(self, amount: int) -> bool`")
FIX = ("The idea: one lock per account, shared by all its operations and held from the read (and, in withdraw, the "
       "funds check) through the store to the write. Then no other operation can run between an operation's read "
       "and its write.")


def account_class(t: Trial) -> Any:
    cls = getattr(t.module, "Account", None)
    if not isinstance(cls, type):
        t.fail("behaviour", f"`Account` is missing or not a class: define {CONTRACT}.")
        raise Abort("Account")
    for name in ("deposit", "withdraw"):
        if not inspect.iscoroutinefunction(getattr(cls, name, None)):
            t.fail("behaviour", f"`Account.{name}` must be a coroutine method (`async def {name}(self, amount: int)`): {CONTRACT}.")
            raise Abort(name)
    return cls


def new_account(t: Trial, Account: Any, *balance: int) -> Any:
    """``Account(*balance)``; a constructor that does not take the contract's arguments is a behaviour failure."""
    return t.construct(Account, *balance, shown=f"Account({', '.join(map(str, balance))})",
                       expected="The exercise creates accounts both ways: `Account()` starts at 0, `Account(100)` at "
                                "100, so `balance` needs a default.")


@scenario("deposit and withdraw, one at a time")
async def one_at_a_time(t: Trial) -> None:
    Account = account_class(t)
    watched: list[Any] = []
    balance_at_store: list[int] = []

    def latency(balance: int) -> float:
        if watched:
            balance_at_store.append(watched[0].balance)  # what the account said while store() ran
        return STORE_LATENCY

    store = t.fake_async("store", latency=latency)
    empty = new_account(t, Account)
    t.expect("behaviour", getattr(empty, "balance", None) == 0,
             f"Account() has balance {t.show(getattr(empty, 'balance', None))}; a new account starts at 0 unless given a balance.")
    account = new_account(t, Account, 100)
    watched.append(account)
    t.require("behaviour", getattr(account, "balance", None) == 100,
              f"Account(100).balance is {t.show(getattr(account, 'balance', None))}; it should be 100.")

    got = await t.call(account.deposit, 30)
    t.expect("behaviour", got is None, f"deposit(30) returned {t.show(got)}; it should return None.")
    t.expect("behaviour", account.balance == 130, f"after deposit(30) on 100 the balance is {t.show(account.balance)}; it should be 130.")
    t.expect("behaviour", store.arguments() == [130],
             f"deposit(30) on 100 called store with {t.show(store.arguments())}; it should await store(130) once, with the new balance.")
    t.expect("behaviour", balance_at_store[:1] == [100],
             f"while store() was still saving, the balance already read {t.show(balance_at_store[0] if balance_at_store else None)}: "
             "deposit changed it before the store finished. Change the balance only once the store has succeeded, "
             "so that a failed store leaves it as it was.")

    got = await t.call(account.withdraw, 50)
    t.expect("behaviour", got is True, f"withdraw(50) on 130 returned {t.show(got)}; it should return True.")
    t.expect("behaviour", account.balance == 80, f"after withdraw(50) on 130 the balance is {t.show(account.balance)}; it should be 80.")
    t.expect("behaviour", store.arguments()[1:] == [80],
             f"withdraw(50) on 130 called store with {t.show(store.arguments()[1:])}; it should await store(80) once.")

    stores_before = len(store.calls)
    got = await t.call(account.withdraw, 500)
    t.expect("behaviour", got is False, f"withdraw(500) on 80 returned {t.show(got)}; with funds short it should return False.")
    t.expect("behaviour", account.balance == 80, f"withdraw(500) on 80 changed the balance to {t.show(account.balance)}; a refused withdrawal changes nothing.")
    t.expect("behaviour", all(c.args == (80,) for c in store.calls[stores_before:]),
             f"the refused withdraw(500) stored {t.show(store.arguments()[stores_before:])}; it should store nothing (or the unchanged 80).")

    got = await t.call(account.withdraw, 80)
    t.expect("behaviour", got is True and account.balance == 0,
             f"withdraw(80) on exactly 80 returned {t.show(got)} and left {t.show(account.balance)}; "
             "taking out exactly what is there is allowed (True, balance 0).")


# The tellers: when each starts (virtual seconds, varied by the schedule), and what it does.
# Some start together, some while others are still inside store(): with the nominal
# delays only some of them overlap; the explored schedules overlap the rest.
TELLERS = [
    (0.0, "deposit", 50),
    (0.0, "withdraw", 70),
    (0.004, "withdraw", 60),
    (0.004, "deposit", 20),
    (0.013, "withdraw", 90),
    (0.021, "deposit", 10),
]
START = 100


@dataclass
class Op:
    at: float
    kind: str
    amount: int
    result: Any = None
    start: float = 0.0
    end: float | None = None
    task: Any = None
    stores: list[int] = field(default_factory=list)
    store_index: int | None = None  # position of its first store() call among all calls

    def __str__(self) -> str:
        shown = f"{self.kind}({self.amount})"
        return shown if self.kind == "deposit" else f"{shown} → {self.result!r}"

    def effect(self) -> int:
        if self.kind == "deposit":
            return self.amount
        return -self.amount if self.result is True else 0


def serial_order_exists(start: int, ops: list[Op]) -> bool:
    """Is there a one-at-a-time order of ``ops`` that explains their results and stores?

    Depth-first over subsets: the balance after a set of operations does not depend
    on their order, so each subset is visited once (2^n states for n operations).
    """
    n = len(ops)
    before = [0] * n  # bitmask of the operations that must come first
    for i, o in enumerate(ops):
        for j, p in enumerate(ops):
            finished_first = p.end is not None and p.end < o.start
            stored_first = p.store_index is not None and o.store_index is not None and p.store_index < o.store_index
            if i != j and (finished_first or stored_first):
                before[i] |= 1 << j

    def fits(o: Op, balance: int) -> bool:
        if o.kind == "deposit":
            return o.stores == [balance + o.amount]
        if o.result is True:
            return balance >= o.amount and o.stores == [balance - o.amount]
        return balance < o.amount and o.stores in ([], [balance])

    full = (1 << n) - 1
    seen = {0}
    stack = [(0, start)]
    while stack:
        done, balance = stack.pop()
        if done == full:
            return True
        for i, o in enumerate(ops):
            bit = 1 << i
            if done & bit or before[i] & ~done or not fits(o, balance):
                continue
            if done | bit not in seen:
                seen.add(done | bit)
                stack.append((done | bit, balance + o.effect()))
    return False


@scenario("tellers working at once never lose, invent or overdraw money", explore=True)
async def tellers(t: Trial) -> None:
    Account = account_class(t)
    store = t.fake_async("store", latency=STORE_LATENCY)
    account = Account(START)
    ops = [Op(at, kind, amount) for at, kind, amount in TELLERS]

    async def teller(op: Op) -> None:
        if op.at:
            await asyncio.sleep(t.vary(op.at))
        op.start = t.now
        op.result = await getattr(account, op.kind)(op.amount)
        op.end = t.now

    async def all_tellers() -> None:
        tasks = []
        for op in ops:
            op.task = t.spawn(teller(op))
            tasks.append(op.task)
        await asyncio.gather(*tasks)

    await t.call(all_tellers)

    for index, call in enumerate(store.calls):
        for op in ops:
            if call.task_object is op.task:
                op.stores.append(call.args[0] if call.args else None)
                if op.store_index is None:
                    op.store_index = index
    odd = [op for op in ops if op.kind == "withdraw" and not isinstance(op.result, bool)]
    t.require("behaviour", not odd, f"withdraw returned {t.show(odd[0].result) if odd else ''}; it should return True or False.")

    final = account.balance
    expected = START + sum(op.effect() for op in ops)
    story = (f"The account started at {START}; the grader's tellers ran {', '.join(str(op) for op in ops)}, "
             f"partly at the same time. ")
    if final != expected:
        t.fail("race", story + f"From those results the balance should end at {expected}, but it ended at {final}: "
                               "an update was lost. Two operations read the same balance, both awaited store(), and the "
                               f"later write overwrote the earlier one.\n{FIX}")
        return
    stored = [v for c in store.calls for v in c.args[:1]]
    if final < 0 or any(isinstance(v, int) and v < 0 for v in stored):
        t.fail("race", story + f"The account was overdrawn (balances stored: {stored}): two withdrawals both checked the "
                               f"funds before either had taken its money.\n{FIX}")
        return
    t.expect("race", serial_order_exists(START, ops),
             story + f"The balances passed to store() were {stored} and the balance ended at {final}, which no "
                     "one-at-a-time order of these operations produces: an operation read the balance while another "
                     f"was between its read and its write.\n{FIX}")
