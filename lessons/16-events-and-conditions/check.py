"""Grades 16-events-and-conditions: waiting for a state change instead of polling for it.

Waiters must wake at the exact (virtual) moment the state changes, without the
loop turning over and over while they wait (that is polling, however short the
sleep); with several buyers and limited stock, no schedule may oversell or leave a
buyer waiting for stock that is there (the `race` check).
What "Your exercise" asks, and the scenario that checks it:

- `Shop()` starts closed, with `stock = 0` → every scenario's new shop, and *enter()
  waits for the shop to open* (`behaviour`; wrong/enter-does-not-wait)
- `open()` opens the shop; `enter()` returns as soon as it is open, at once if it
  already is → *enter() waits* (wrong/enter-does-not-wait, wrong/poll-every-50ms,
  wrong/spin-with-sleep-0)
- `restock(count)` adds and wakes buyers → *buy() waits for the door and for enough
  stock* (wrong/restock-without-notify)
- `buy(count)` first waits to enter → the same scenario (wrong/buy-skips-the-door)
- then waits until `count` are in stock, takes them, never below 0 → the same
  scenario and *a rush of buyers* (`race`; wrong/if-instead-of-while)
- every waiter gets through exactly when it can, without polling → loop turns and
  wake-up times in both first scenarios (wrong/poll-every-50ms, wrong/spin-with-sleep-0)
- no schedule oversells or leaves a buyer waiting for stock that is there → *a rush
  of buyers*, explored (wrong/if-instead-of-while, wrong/notify-one)
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass
from typing import Any

from asynclings_harness import Abort, Trial, scenario

CHECKS = ["behaviour", "race"]

CONTRACT = ("`class Shop` with `stock`, `def open(self)`, `async def enter(self)`, `async def restock(self, count: int)` "
            "and `async def buy(self, count: int)`")
# Loop turns a scenario may take while its waiters wait. The reference takes 10-13 (the
# grader's own timers); polling takes one or more per poll (every 1 ms: hundreds).
TURNS_ALLOWED = 40


def new_shop(t: Trial) -> Any:
    cls = getattr(t.module, "Shop", None)
    if not isinstance(cls, type):
        t.fail("behaviour", f"`Shop` is missing or not a class: define {CONTRACT}.")
        raise Abort("Shop")
    for name in ("enter", "restock", "buy"):
        if not inspect.iscoroutinefunction(getattr(cls, name, None)):
            t.fail("behaviour", f"`Shop.{name}` must be a coroutine method (`async def {name}`): {CONTRACT}.")
            raise Abort(name)
    if not callable(getattr(cls, "open", None)) or inspect.iscoroutinefunction(cls.open):
        t.fail("behaviour", "`Shop.open` must be a plain method (`def open(self) -> None`): whoever opens the shop "
                            "does not wait for anything.")
        raise Abort("open")
    shop = t.construct(cls, shown="Shop()", expected="The grader creates a shop with no arguments: it starts closed, "
                                                     "with no stock.")
    t.require("behaviour", getattr(shop, "stock", None) == 0,
              f"a new Shop has stock {t.show(getattr(shop, 'stock', None))}; it should start at 0.")
    return shop


@dataclass
class Waiter:
    """A grader task waiting in one of the learner's methods, and when it got through."""

    label: str
    started: float
    task: Any = None
    returned_at: float | None = None
    stock_after: int | None = None  # the shop's stock the moment it got through


def wait_in(t: Trial, label: str, coro: Any, shop: Any = None) -> Waiter:
    waiter = Waiter(label, t.now)

    async def run() -> None:
        await coro
        waiter.returned_at = t.now
        waiter.stock_after = getattr(shop, "stock", None)

    waiter.task = t.spawn(run(), name=f"grader-{label}")
    return waiter


async def finish(waiters: list[Waiter]) -> None:
    """Cancels whoever is still waiting (the scenario is over) and lets their cleanup run."""
    for waiter in waiters:
        if not waiter.task.done():
            waiter.task.cancel()
    await asyncio.gather(*(w.task for w in waiters), return_exceptions=True)
    for waiter in waiters:
        if waiter.task.done() and not waiter.task.cancelled() and waiter.task.exception() is not None:
            raise waiter.task.exception()  # the learner's code raised: the run check shows it


class Polling:
    """Counts the loop turns and forced clock moves between two moments (a waiting program takes few)."""

    def __init__(self, t: Trial) -> None:
        self.t = t
        self.turns = t.loop.turns
        self.forced = t.loop.forced_advances

    def verdict(self, what: str) -> str | None:
        turns = self.t.loop.turns - self.turns
        if self.t.loop.forced_advances > self.forced:
            return (f"while {what}, your code kept the event loop busy without ever waiting (the loop had to move the "
                    "clock on by itself): that is a busy-wait, e.g. `while ...: await asyncio.sleep(0)`. ")
        if turns > TURNS_ALLOWED:
            return (f"while {what}, the event loop turned {turns} times for a handful of changes of state: your code "
                    "kept waking up to check (polling). ")
        return None


@scenario("enter() waits for the shop to open and lets everyone in the moment it does")
async def opening(t: Trial) -> None:
    shop = new_shop(t)
    watch = Polling(t)
    waiters = [wait_in(t, "customer 1", shop.enter())]
    await asyncio.sleep(0.1)
    waiters.append(wait_in(t, "customer 2", shop.enter()))
    await asyncio.sleep(0.237)
    opened_at = t.now
    shop.open()
    await asyncio.sleep(0.2)
    polling = watch.verdict("customers waited at the door")
    late = [w for w in waiters if w.returned_at is None or not t.close(w.returned_at, opened_at)]
    await finish(waiters)
    if late:
        w = late[0]
        if w.returned_at is not None and w.returned_at < opened_at - 1e-6:
            t.fail("behaviour", f"{w.label} got in at {w.returned_at:g} s, but the shop only opened at {opened_at:g} s: "
                                "enter() returned while the shop was still closed. It should not return until the "
                                "shop is open, however long that takes.")
        else:
            when = "never got in" if w.returned_at is None else f"got in at {w.returned_at:g} s"
            t.fail("behaviour", f"the shop opened at {opened_at:g} s, but {w.label} (waiting since {w.started:g} s) "
                                f"{when}. Waiting should end exactly when the state changes: let open() signal the "
                                "change, and have enter() wait for that signal rather than look at the state now "
                                "and then.")
    t.expect("behaviour", polling is None,
             (polling or "") + "Instead of checking in a loop, wait for a signal that open() gives.")
    before = t.now
    await t.call(shop.enter)
    t.expect("behaviour", t.close(t.now, before),
             f"enter() on a shop that was already open took {t.now - before:g} s; it should return at once.")


@scenario("buy() waits for the door and for enough stock, and takes it the moment it arrives")
async def stocking(t: Trial) -> None:
    shop = new_shop(t)
    watch = Polling(t)
    buyer = wait_in(t, "a buyer of 3", shop.buy(3))
    early = wait_in(t, "a buyer of 1", shop.buy(1))
    await asyncio.sleep(0.05)
    await t.call(shop.restock, 2)
    await asyncio.sleep(0.1)
    t.expect("behaviour", early.returned_at is None and shop.stock == 2,
             f"a buyer got through before the shop opened (stock now {shop.stock}): buy() must first wait to enter.")
    shop.open()
    opened_at = t.now
    await asyncio.sleep(0.1)
    t.expect("behaviour", early.returned_at is not None and t.close(early.returned_at, opened_at),
             f"the shop opened at {opened_at:g} s with 2 in stock, but the buyer of 1 "
             + (f"got through at {early.returned_at:g} s" if early.returned_at is not None else "never got through")
             + ": buy() should pass the door and take its stock the moment the shop opens.")
    t.expect("behaviour", buyer.returned_at is None and shop.stock == 1,
             f"with only 1 left, the buyer of 3 should still be waiting (stock {shop.stock}, "
             f"{'done' if buyer.returned_at is not None else 'waiting'}): buy(n) takes nothing until n are there.")
    await t.call(shop.restock, 2)
    arrived = t.now
    await asyncio.sleep(0.15)
    polling = watch.verdict("buyers waited for stock")
    await finish([buyer, early])
    t.expect("behaviour", buyer.returned_at is not None and t.close(buyer.returned_at, arrived),
             f"3 items were in stock from {arrived:g} s, but the buyer of 3 "
             + (f"got them at {buyer.returned_at:g} s" if buyer.returned_at is not None else "never got them")
             + ". A waiting buyer should wake exactly when stock arrives: restock() has to tell everyone who is "
             "waiting that the stock changed, and each woken buyer checks whether its amount is there now.")
    t.expect("behaviour", shop.stock == 0, f"after 4 restocked and 1 + 3 bought, the stock is {shop.stock}; it should be 0.")
    t.expect("behaviour", polling is None,
             (polling or "") + "Instead of checking in a loop, sleep until restock() wakes the buyers.")


# The rush: buyers (when they arrive, how many they want) and restocks (when, how many).
# Every buyer can be served by the end; in between, stock is short.
BUYERS = [(0.0, 3), (0.0, 2), (0.02, 4), (0.05, 1), (0.05, 2)]
RESTOCKS = [(0.1, 4), (0.25, 5), (0.4, 4)]


@scenario("a rush of buyers: no overselling, nobody left waiting for stock that is there", explore=True)
async def rush(t: Trial) -> None:
    shop = new_shop(t)
    shop.open()
    events: list[float] = [0.0]
    waiters: list[Waiter] = []
    counts: dict[int, int] = {}

    async def arrive(at: float, count: int) -> None:
        if at:
            await asyncio.sleep(t.vary(at))
        waiter = wait_in(t, f"a buyer of {count}", shop.buy(count), shop)
        counts[id(waiter)] = count
        waiters.append(waiter)

    async def deliver(at: float, count: int) -> None:
        await asyncio.sleep(t.vary(at))
        await shop.restock(count)
        events.append(t.now)

    arrivals = [t.spawn(arrive(at, n)) for at, n in BUYERS]
    deliveries = [t.spawn(deliver(at, n)) for at, n in RESTOCKS]
    await asyncio.gather(*arrivals, *deliveries)
    await asyncio.sleep(0.2)  # let everyone who can be served be served
    served = [w for w in waiters if w.returned_at is not None]
    waiting = [w for w in waiters if w.returned_at is None]
    stock = shop.stock
    await finish(waiters)

    supplied = sum(n for _, n in RESTOCKS)
    taken = sum(counts[id(w)] for w in served)
    story = (f"Buyers of {', '.join(str(n) for _, n in BUYERS)} arrived at a shop with no stock, and "
             f"{' then '.join(f'{n} more' for _, n in RESTOCKS)} were delivered. ")
    oversold = [w for w in served if w.stock_after is not None and w.stock_after < 0]
    if oversold or stock < 0 or stock != supplied - taken:
        low = f"the stock fell to {oversold[0].stock_after} when {oversold[0].label} got through" if oversold else \
            f"in the end the stock was {stock} after {taken} of {supplied} were sold"
        t.fail("race", story + f"Then {low}: two buyers were "
                               "woken by the same delivery and both took their items without checking again. A woken "
                               "buyer only knows that something changed: it has to check again that its amount is "
                               "there, and take it with nothing else running between the check and the taking.")
        return
    stuck = [w for w in waiting if counts[id(w)] <= stock]
    if stuck:
        w = stuck[0]
        t.fail("race", story + f"At the end {stock} were in stock, but {w.label} was still waiting: it was never woken "
                               "when the stock it needed arrived. Each waiting buyer needs a different amount, so a "
                               "delivery has to wake all of them, not just one: each re-checks its own need, and the "
                               "ones it is not enough for go back to waiting.")
        return
    late = [w for w in served if not any(t.close(w.returned_at, at) for at in events + [w.started])]
    t.expect("race", not late,
             story + (f"{late[0].label} got its items at {late[0].returned_at:g} s, when nothing had changed: it should "
                      "get them the moment the delivery that makes them available arrives." if late else ""))
