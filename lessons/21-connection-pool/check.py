"""Grades 21-connection-pool: a pool of at most `size` connections lent out with `async with`.

The grader's `connect` makes instrumented connections; callers arrive at different
times and hold their connection for different times, so a pool that opens too many,
reuses none, serves waiters out of turn, loses a connection when a caller fails or
is cancelled, or closes nothing at the end shows up in what the connections saw.
What "Your exercise" asks, and the scenario that checks it:

- connections made on demand, never more than `size` → *one caller at a time* (a
  pool of 3 serving callers one after another makes one connection: `behaviour`;
  wrong/fills-the-pool-up-front) and *ten callers* (`bounded`; wrong/no-limit)
- an idle connection if there is one, a new one below `size`, otherwise wait → *one
  caller at a time*, *ten callers* (wrong/new-connection-each-time; `bounded`:
  callers wait only while every connection is busy)
- waiting callers served in the order they arrived → *ten callers* (`behaviour`;
  wrong/polls-for-a-free-connection)
- a connection lent to one caller at a time → every scenario: the connection notices
  a second holder (wrong/idle-connection-not-taken)
- it comes back when the block ends normally, with an exception (which reaches the
  caller) or by cancellation → *a caller that fails or is cancelled* (`cancellation`;
  wrong/no-finally; `behaviour`: wrong/swallows-callers-error)
- a failing `connect()` reaches its caller, and the pool can still make `size`
  connections → *callers cancelled while waiting, and a connect that fails*
  (wrong/slot-lost-when-connect-fails)
- a caller cancelled while waiting takes nothing with it → the same scenario
  (wrong/hands-connection-to-cancelled-waiter)
- `close()` awaits `conn.close()` once per connection made → every scenario
  (`behaviour` counts the calls: wrong/closes-idle-twice; the generic `unawaited`
  check sees one that is not awaited: wrong/close-not-awaited)
- under many schedules → *the limit and the loans hold whatever the schedule* (`race`)
"""

from __future__ import annotations

import asyncio
from typing import Any, Coroutine

from asynclings_harness import Abort, Trial, scenario

CHECKS = ["behaviour", "bounded", "cancellation", "race"]

SIGNATURE = "class Pool:  def __init__(self, connect, size)  /  def connection(self)  /  async def close(self)"


class Connection:
    """A connection the grader made: knows who holds it and whether it was closed."""

    def __init__(self, world: World, number: int) -> None:
        self.world = world
        self.number = number
        self.close_calls = 0  # close() called, awaited or not (an un-awaited call is the unawaited check's)
        self.closes = 0  # closes that ran (were awaited)
        self.holders = 0

    async def query(self, seconds: float) -> int:
        if self.closes:
            self.world.problems.append(f"connection #{self.number} was used after it was closed")
        self.holders += 1
        self.world.in_use += 1
        self.world.peak = max(self.world.peak, self.world.in_use)
        self.world.occupancy.append((self.world.trial.now, +1))
        try:
            if self.holders > 1:
                self.world.problems.append(f"connection #{self.number} was lent to two callers at once")
            await asyncio.sleep(seconds)
            return self.number
        finally:
            self.holders -= 1
            self.world.in_use -= 1
            self.world.occupancy.append((self.world.trial.now, -1))

    def close(self) -> Coroutine[Any, Any, None]:
        """Counts the call, then returns the closing coroutine for the caller to await."""
        self.close_calls += 1
        return self._closing()

    async def _closing(self) -> None:
        self.closes += 1
        await asyncio.sleep(0)

    # An un-awaited close() is reported as "the coroutine Connection.close() ... was never awaited".
    _closing.__qualname__ = "Connection.close"

    def __repr__(self) -> str:
        return f"<connection #{self.number}>"


class World:
    """Everything the grader's connections saw during one scenario."""

    def __init__(self, trial: Trial, *, connect_latency: float = 0.05, fail_connects: int = 0) -> None:
        self.trial = trial
        self.connections: list[Connection] = []
        self.connects = 0
        self.fail_connects = fail_connects
        self.connect_latency = connect_latency
        self.in_use = 0
        self.peak = 0
        self.occupancy: list[tuple[float, int]] = []
        self.problems: list[str] = []
        self.connecting = 0
        self.arrivals: list[tuple[str, float, int, float]] = []  # (caller, arrived at, loans out then, waited)

    async def connect(self) -> Connection:
        self.connects += 1
        self.connecting += 1
        try:
            await asyncio.sleep(self.trial.vary(self.connect_latency))
        finally:
            self.connecting -= 1
        if self.fail_connects > 0:
            self.fail_connects -= 1
            raise ConnectionRefusedError("the database refused the connection")
        conn = Connection(self, len(self.connections) + 1)
        self.connections.append(conn)
        return conn


def make_pool(t: Trial, world: World, size: int) -> Any:
    Pool = getattr(t.module, "Pool", None)
    t.require("behaviour", isinstance(Pool, type), f"`Pool` is missing or not a class: define `{SIGNATURE}`.")
    pool = t.construct(Pool, world.connect, size, shown=f"Pool(connect, {size})",
                       expected="The grader makes a pool with its `connect` function and the size, in that order.")
    try:
        pool._grader_world = world  # lets user() read the world's counters
    except AttributeError:  # a class with __slots__
        pass
    t.require("behaviour", callable(getattr(pool, "connection", None)) and callable(getattr(pool, "close", None)),
              f"a Pool needs a `connection()` method (used as `async with pool.connection() as conn:`) and `async def close()`.")
    loan = pool.connection()  # only made, not entered: nothing is borrowed yet
    usable = hasattr(loan, "__aenter__") and hasattr(loan, "__aexit__")
    if not usable and hasattr(loan, "close") and asyncio.iscoroutine(loan):
        loan.close()  # an `async def connection`: its body never needs to run for the message below
    t.require("behaviour", usable,
              f"pool.connection() returned {t.show(loan)}, which `async with` cannot use: it should return an async "
              "context manager (a class with `__aenter__` and `__aexit__`, or a generator decorated with "
              "`@contextlib.asynccontextmanager`).")
    return pool


async def user(t: Trial, pool: Any, name: str, arrive: float, hold: float, log: list[tuple[str, str, float]]) -> int:
    await asyncio.sleep(arrive)
    world: World | None = getattr(pool, "_grader_world", None)
    log.append(("arrive", name, t.now))
    arrived, busy = t.now, (world.in_use + world.connecting if world else 0)
    async with pool.connection() as conn:
        log.append(("got", name, t.now))
        if world is not None:
            world.arrivals.append((name, arrived, busy, t.now - arrived))
        return await conn.query(hold)


def judge_close(t: Trial, world: World) -> None:
    """close() must be called once on every connection made (whether it was awaited is the unawaited check's)."""
    open_ = [c for c in world.connections if c.close_calls == 0]
    twice = [c for c in world.connections if c.close_calls > 1]
    t.expect("behaviour", not open_ and not twice,
             f"after `await pool.close()`, {t.show(open_)} of the {len(world.connections)} connection(s) the pool made "
             "were never closed: the pool has to remember every connection it makes, lent out or idle, to close them "
             "all at the end." if open_ else
             f"`pool.close()` closed {t.show(twice)} more than once: each connection should be closed exactly once.",
             "close() closed every connection exactly once")


@scenario("one caller at a time: a pool of three makes one connection and reuses it")
async def one_at_a_time(t: Trial) -> None:
    world = World(t)
    pool = make_pool(t, world, 3)
    t.expect("behaviour", world.connects == 0,
             f"creating the pool called connect() {world.connects} time(s): connections are made on demand, when a "
             "caller needs one and none is idle.")
    for n in range(4):
        await t.call(user, t, pool, f"caller{n}", 0.1, 0.2, [])
    t.expect("behaviour", world.connects == 1,
             f"four callers, one after another, made the pool call connect() {world.connects} times; one connection "
             "was enough for all of them. Make a connection only when a caller needs one and none is idle, and lend "
             "a returned one to the next caller.", "one connection served callers one after another")
    t.expect("behaviour", not world.problems, "; ".join(world.problems[:2]) + ".")
    await pool.close()
    judge_close(t, world)


ARRIVALS = [0.0, 0.02, 0.05, 0.11, 0.13, 0.2, 0.31, 0.34, 0.4, 0.52]
HOLDS = [0.4, 0.25, 0.6, 0.3, 0.5, 0.2, 0.45, 0.35, 0.3, 0.25]


@scenario("ten callers, a pool of three: three connections, reused, lent in turn")
async def crowd(t: Trial) -> None:
    world = World(t)
    pool = make_pool(t, world, 3)
    log: list[tuple[str, str, float]] = []
    names = [f"caller{n}" for n in range(len(ARRIVALS))]
    got = await t.call(lambda: asyncio.gather(*(user(t, pool, n, a, h, log) for n, a, h in zip(names, ARRIVALS, HOLDS))))
    await pool.close()
    t.expect("behaviour", not world.problems, "; ".join(world.problems[:2]) + ". A connection belongs to one caller at a time, and never after close().")
    t.expect("bounded", world.peak <= 3 and len(world.connections) <= 3,
             f"{len(world.connections)} connections were opened and {world.peak} were in use at once, but the pool's size is 3: "
             "count the connections that exist (or are being made), and wait for one to come back while that count is "
             "at `size`.", "never more than 3 connections")
    t.expect("behaviour", len(world.connections) == 3,
             f"ten callers, one after another, were served by {len(world.connections)} connections; a pool of 3 should open 3 and "
             "reuse them: when a caller is done, keep its connection and lend it to the next caller.")
    # Used: a caller waits only while every connection is lent out or being made.
    short = [(name, when, busy) for name, when, busy, waited in world.arrivals
             if waited > world.connect_latency + 1e-6 and busy < 3]
    if short:
        name, when, busy = short[0]
        t.fail("bounded", f"{name} arrived at {when:g} s and had to wait, though only {busy} of the 3 connections were lent "
                          "out or being made: a caller should get an idle connection (or a new one, below the size) at once.")
    else:
        t.passed("bounded", "callers waited only while every connection was busy")
    order = [name for kind, name, _ in log if kind == "arrive"]
    served = [name for kind, name, _ in log if kind == "got"]
    t.expect("behaviour", order == served,
             f"callers arrived in the order {order} but got connections in the order {served}: waiting callers should be "
             "served first come, first served. A returned connection should go to the caller that has waited longest, "
             "not to whoever happens to look first.")
    judge_close(t, world)


@scenario("a caller that fails or is cancelled gives its connection back")
async def failures(t: Trial) -> None:
    world = World(t)
    pool = make_pool(t, world, 2)

    async def failing() -> None:
        async with pool.connection() as conn:
            await conn.query(0.1)
            raise KeyError("the caller's own bug")

    async def slow() -> None:
        async with pool.connection() as conn:
            await conn.query(100.0)

    came_out = 0
    for _ in range(2):
        try:
            await failing()
        except KeyError:
            came_out += 1
    t.expect("behaviour", came_out == 2,
             f"a caller's block raised KeyError inside `async with pool.connection()`, but {2 - came_out} of 2 times "
             "nothing came out: the pool swallowed its caller's error. Giving the connection back must not stop the "
             "exception on its way to the caller.")
    holders = [t.spawn(slow()) for _ in range(2)]
    await asyncio.sleep(0.5)
    for task in holders:
        task.cancel()
    await asyncio.gather(*holders, return_exceptions=True)
    # Both connections must be back: two more callers get them without waiting, and no new ones are made.
    made = len(world.connections)
    started = t.now
    try:
        async with asyncio.timeout(5):
            await asyncio.gather(user(t, pool, "after1", 0, 0.1, []), user(t, pool, "after2", 0, 0.1, []))
        served = True
    except TimeoutError:
        served = False
    t.expect("cancellation", served and t.now - started <= 0.2 + 1e-6,
             "after two callers raised inside `async with pool.connection()` and two more were cancelled while holding a "
             "connection, " + ("the next callers waited forever: those connections were never given back"
                               if not served else "the next callers were not served at once")
             + ". The connection has to come back however the caller's block ends: normally, with an error, or "
             "cancelled.",
             "connections came back after errors and cancellation")
    t.expect("behaviour", made <= 2, f"{made} connections were made for a pool of 2.")
    await pool.close()
    judge_close(t, world)


@scenario("callers cancelled while waiting, and a connect that fails, leave the pool whole")
async def waiting_cancelled(t: Trial) -> None:
    world = World(t, fail_connects=1)
    pool = make_pool(t, world, 2)
    first = None
    try:
        async with pool.connection() as conn:
            await conn.query(0.1)
    except ConnectionRefusedError as error:
        first = error
    t.expect("behaviour", first is not None,
             "the grader's connect() raised ConnectionRefusedError for the first caller, but that caller did not see it: "
             "let the error from `connect` reach the caller.")
    holders = [t.spawn(user(t, pool, f"holder{n}", 0, 1.0, [])) for n in range(2)]
    await asyncio.sleep(0.2)
    waiters = [t.spawn(user(t, pool, f"waiter{n}", 0, 0.1, [])) for n in range(3)]
    await asyncio.sleep(0.2)
    waiters[0].cancel()
    waiters[1].cancel()
    try:
        async with asyncio.timeout(10):
            results = await asyncio.gather(*holders, *waiters, return_exceptions=True)
    except TimeoutError:
        t.fail("behaviour", "two callers were cancelled while waiting for a connection; when the two holders were "
                            "done, the third waiting caller still got nothing. The connections went to the callers "
                            "that had been cancelled and were lost: a cancelled wait must take nothing with it.")
        return
    late = [user(t, pool, f"late{n}", 0, 0.1, []) for n in range(4)]
    began = t.now
    try:
        async with asyncio.timeout(10):
            await asyncio.gather(*late)
        served = True
    except TimeoutError:
        served = False
    t.expect("bounded", not served or t.now - began <= 0.2 + 2 * world.connect_latency + 1e-6,
             f"four callers with a pool of 2 took {t.now - began:g} s for 0.1 s of work each: fewer than 2 connections "
             "were in use. A failed connect or a cancelled wait took its slot with it: whatever counts the connections "
             "has to get its count back on every path, errors and cancellation included.")
    t.expect("behaviour", served and not isinstance(results[-1], BaseException),
             "after one connect failed and two waiting callers were cancelled, later callers "
             + ("waited forever" if not served else f"failed: {t.show(results[-1])}")
             + ": a failed connect and a cancelled wait must give their slot back.")
    t.expect("bounded", world.peak <= 2 and len(world.connections) <= 2,
             f"{len(world.connections)} connections were made for a pool of 2 ({world.peak} in use at once).",
             "never more than 2 connections")
    await pool.close()
    judge_close(t, world)


@scenario("the limit and the loans hold whatever the schedule", explore=True)
async def schedules(t: Trial) -> None:
    world = World(t)
    pool = make_pool(t, world, 2)
    await asyncio.gather(*(user(t, pool, f"c{n}", t.vary(0.05 * (n % 3)), t.vary(0.1 + 0.05 * n), []) for n in range(6)),
                         return_exceptions=False)
    await pool.close()
    t.expect("bounded", world.peak <= 2 and len(world.connections) <= 2,
             f"{len(world.connections)} connections were made and {world.peak} lent at once for a pool of 2.")
    t.expect("behaviour", not world.problems, "; ".join(world.problems[:2]) + ".")
    judge_close(t, world)
