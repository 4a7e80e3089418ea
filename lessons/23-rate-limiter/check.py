"""Grades 23-rate-limiter: a token bucket, judged by the virtual time of every permit.

The grader's callers arrive at chosen times, call `await bucket.acquire()`, and at
once make a short `request(...)` (the bars of the timeline). An ideal bucket is
simulated in exact fractions from the times the callers really arrived (and were
cancelled); each permit must come exactly when the ideal bucket grants it.

Each sentence of "Your exercise", the scenario that enforces it, and the variants that break it:

- "The bucket holds at most `burst` tokens and starts full. It gains `rate` tokens per
  second, continuously ..., never more than `burst`" -> `burst_then_rate` (10 callers
  at once: 3 permits at 0 s, then one every 0.5 s), `arrivals` (idle stretches refill
  the bucket to `burst` and no further; a caller arriving to a part-filled bucket waits
  only for the missing fraction) and `thirds` (a rate of 3 per second); `bounded`.
  Broken by wrong/no-burst.py, wrong/no-cap.py and wrong/sleeps-whole-interval.py.
- "`acquire()` takes one token ... otherwise the caller waits, and callers are served
  first come, first served, each at the moment its token is due: never earlier, and
  never later" -> the same scenarios: permits out of arrival order fail `behaviour`,
  any permit early or late fails `bounded` (with the timeline); `schedules` holds both
  under many schedules (`race`). Order broken by wrong/waiters-race.py; an asyncio lock
  shared by every bucket (wrong/shared-lock.py) fails `behaviour` with what it raised.
- "A caller cancelled while waiting takes no token: the callers behind it get theirs
  as if it had never come, and its `acquire()` raises `CancelledError`" ->
  `cancelled_waiters` (the head of the line and one behind it are cancelled; permits
  late by whole tokens after it mean tokens were lost; 5 s later the bucket is whole)
  and `schedules` (a waiter cancelled among arrivals); `cancellation`. Broken by
  wrong/reserves-slots.py and wrong/takes-before-waiting.py.
- "Nothing polls: while callers wait, the event loop wakes only at moments when a
  token is due" -> every scenario watches the clock: a wake-up while callers wait that
  is neither a permit nor one of the grader's own events fails `behaviour`. Broken by
  wrong/polling.py.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from asynclings_harness import ClockWatch, FakeAsync, Trial, scenario

CHECKS = ["behaviour", "bounded", "cancellation", "race"]

SIGNATURE = "class TokenBucket:  def __init__(self, rate: float, burst: int)  /  async def acquire(self) -> None"
TOLERANCE = 1e-4  # above the clock's spin step (a re-check that rounds to nothing costs a microsecond)


@dataclass
class Caller:
    name: str
    delay: float  # when it arrives, from the start of the crowd
    cancel_after: float | None = None  # cancelled this long after the crowd starts
    arrived: float | None = None
    seq: int = -1  # order of the acquire() calls
    permit: float | None = None
    outcome: str = "waiting"  # "permit", "cancelled", "error"
    error: BaseException | None = None
    cancelled_at: float | None = None


@dataclass
class Crowd:
    """One bucket and the callers the grader sent to it."""

    label: str
    rate: float
    burst: int
    callers: list[Caller]
    bucket: Any = None
    events: list[float] = field(default_factory=list)  # the grader's own moments (cancels)


def make_bucket(t: Trial, rate: float, burst: int) -> Any:
    TokenBucket = getattr(t.module, "TokenBucket", None)
    t.require("behaviour", isinstance(TokenBucket, type), f"`TokenBucket` is missing or not a class: define `{SIGNATURE}`.")
    bucket = TokenBucket(rate, burst)
    t.require("behaviour", callable(getattr(bucket, "acquire", None)),
              f"a TokenBucket needs an `async def acquire(self)` method (`{SIGNATURE}`).")
    return bucket


async def run_crowds(t: Trial, crowds: list[Crowd], request: FakeAsync) -> None:
    """Sends every crowd's callers to its bucket; returns when all have a permit, were cancelled, or 120 s passed."""
    sequence = itertools.count()
    start = t.now

    async def call(crowd: Crowd, caller: Caller) -> None:
        await asyncio.sleep(t.vary(caller.delay))
        caller.arrived = t.now
        caller.seq = next(sequence)
        try:
            waiting = crowd.bucket.acquire()
            if inspect.isawaitable(waiting):
                await waiting
        except asyncio.CancelledError:
            caller.outcome, caller.cancelled_at = "cancelled", t.now
            raise
        except Exception as error:  # the learner's bug: reported by the judge
            caller.outcome, caller.error = "error", error
            return
        caller.permit, caller.outcome = t.now, "permit"
        await request.function(f"{crowd.label}:{caller.name}" if len(crowds) > 1 else caller.name)

    tasks = []
    for crowd in crowds:
        for caller in crowd.callers:
            task = t.spawn(call(crowd, caller), name=f"grader-caller-{caller.name}")
            tasks.append(task)
            if caller.cancel_after is not None:
                when = start + caller.cancel_after
                crowd.events.append(when)
                t.loop.call_at(when, task.cancel)
    await asyncio.wait(tasks, timeout=120)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


# -- the ideal bucket ------------------------------------------------------------------------


def ideal_permits(rate: float, burst: int, callers: list[Caller], *, honour_cancels: bool = True) -> dict[str, Fraction]:
    """When an exact token bucket grants each caller (who arrived) its permit, first come first served.

    With ``honour_cancels=False`` a cancelled waiter keeps its place and its token,
    as in a bucket that reserves a token for each caller up front.
    """
    r = Fraction(rate)
    level = Fraction(burst)
    stamp: Fraction | None = None
    queue: deque[str] = deque()
    permits: dict[str, Fraction] = {}
    events: list[tuple[Fraction, int, str, str]] = []
    for c in callers:
        if c.arrived is None:
            continue
        events.append((Fraction(c.arrived), c.seq, "arrive", c.name))
        if honour_cancels and c.cancelled_at is not None and c.outcome == "cancelled":
            events.append((Fraction(c.cancelled_at), c.seq, "cancel", c.name))
    events.sort()

    def refill(now: Fraction) -> None:
        nonlocal level, stamp
        if stamp is not None:
            level = min(Fraction(burst), level + (now - stamp) * r)
        stamp = now

    def grant_until(limit: Fraction | None) -> None:
        nonlocal level
        while queue:
            assert stamp is not None
            due = stamp if level >= 1 else stamp + (1 - level) / r
            if limit is not None and due > limit:
                return
            refill(due)
            level -= 1
            permits[queue.popleft()] = due

    for when, _, kind, name in events:
        grant_until(when)
        refill(when)
        if kind == "arrive":
            if not queue and level >= 1:
                level -= 1
                permits[name] = when
            else:
                queue.append(name)
        elif name in queue:
            queue.remove(name)
    grant_until(None)
    return permits


# -- judging -----------------------------------------------------------------------------------


def describe(crowd: Crowd) -> str:
    return f"a bucket with rate={crowd.rate:g}/s and burst={crowd.burst}"


def judge_order(t: Trial, crowd: Crowd) -> bool:
    """Permits in arrival order (behaviour). False when it failed."""
    served = [c for c in crowd.callers if c.permit is not None]
    for a, b in itertools.combinations(sorted(served, key=lambda c: c.seq), 2):
        if b.permit is not None and a.permit is not None and b.permit < a.permit - TOLERANCE:
            t.keep_timeline()
            t.fail("behaviour",
                   f"{b.name} called acquire() at {b.arrived:g} s, after {a.name} ({a.arrived:g} s), but got its permit "
                   f"first ({b.permit:g} s, {a.name} at {a.permit:g} s): waiting callers must be served first come, "
                   "first served. When several waiters sleep and then race for the token, or a newcomer can take a "
                   "token a waiter is owed, the order is lost: keep the waiters in one line.")
            return False
    return True


def judge_polling(t: Trial, crowds: list[Crowd], watch: ClockWatch, request: FakeAsync) -> bool:
    """While callers wait, the loop wakes only at permits and the grader's own moments (behaviour)."""
    callers = [c for crowd in crowds for c in crowd.callers]
    moments = [m for c in callers for m in (c.arrived, c.permit, c.cancelled_at) if m is not None]
    moments += [call.end for call in request.calls if call.end is not None]
    moments += [when for crowd in crowds for when in crowd.events]
    for crowd in crowds:
        moments += [float(p) for p in ideal_permits(crowd.rate, crowd.burst, crowd.callers).values()]
    waits = [(c.arrived, c.permit if c.permit is not None else c.cancelled_at) for c in callers
             if c.arrived is not None and (c.permit is None or c.permit > c.arrived + TOLERANCE)]
    stray = [w for w in watch.unexplained(moments, tolerance=TOLERANCE)
             if any(begin is not None and end is not None and begin < w < end for begin, end in waits)]
    if stray:
        shown = ", ".join(f"{w:.4g}" for w in stray[:4])
        t.fail("behaviour",
               f"while callers waited, the event loop woke {len(stray)} times at moments when no token was due "
               f"(at {shown} s{', ...' if len(stray) > 4 else ''}): acquire() polls. Work out when the next token is "
               "due and sleep until exactly then, or arrange for the waiter to be woken then.")
        return False
    return True


def lost_tokens(crowd: Crowd, caller: Caller, due: Fraction) -> int:
    """How many whole tokens late ``caller`` was, when a waiter ahead of it had been cancelled (else 0)."""
    assert caller.permit is not None
    cancelled_before = any(c.outcome == "cancelled" and c.cancelled_at is not None and c.arrived is not None
                           and c.seq < caller.seq and c.cancelled_at <= float(due) + TOLERANCE for c in crowd.callers)
    late = (Fraction(caller.permit) - due) * Fraction(crowd.rate)
    whole = round(late)
    return whole if cancelled_before and whole >= 1 and abs(late - whole) <= TOLERANCE else 0


def judge_times(t: Trial, crowd: Crowd) -> bool:
    """Every permit exactly when the ideal bucket grants it (bounded); whole tokens lost to a cancellation (cancellation)."""
    ideal = ideal_permits(crowd.rate, crowd.burst, crowd.callers)
    for c in sorted(crowd.callers, key=lambda c: (float(ideal.get(c.name, 1e9)), c.seq)):
        due = ideal.get(c.name)
        if due is None:
            continue
        if c.permit is None:
            t.fail("bounded", f"{c.name} called acquire() at {c.arrived:g} s and never got a permit, though "
                              f"{describe(crowd)} had a token for it at {float(due):g} s.")
            return False
        if abs(c.permit - float(due)) <= TOLERANCE:
            continue
        t.keep_timeline()
        lost = lost_tokens(crowd, c, due) if c.permit > due else 0
        if lost:
            t.fail("cancellation",
                   f"{c.name} got its permit at {c.permit:g} s instead of {float(due):g} s: {lost} token(s) went to "
                   "callers that were cancelled while they waited, as if they had taken them. A caller cancelled "
                   "while waiting must take nothing: the token it would have had goes to the next in line.")
        elif c.permit < due:
            t.fail("bounded", f"{c.name} (arrived at {c.arrived:g} s) got its permit at {c.permit:g} s, but "
                              f"{describe(crowd)} had no token for it until {float(due):g} s: that is more calls than "
                              "the rate allows. The bucket starts with `burst` tokens and gains `rate` per second, "
                              "never holding more than `burst`.")
        else:
            t.fail("bounded", f"{c.name} (arrived at {c.arrived:g} s) got its permit at {c.permit:g} s, though "
                              f"{describe(crowd)} had a token for it at {float(due):g} s: a token sat unused while it "
                              "waited. Tokens accrue continuously (a fraction of a token after a fraction of "
                              "1/rate), so wait exactly until the missing fraction has accrued.")
        return False
    return True


def judge_errors(t: Trial, crowds: list[Crowd]) -> bool:
    """acquire() raised something (behaviour). False when it did."""
    for c in (c for crowd in crowds for c in crowd.callers):
        if c.outcome == "error":
            advice = ""
            if "different event loop" in str(c.error):
                advice = (" An asyncio.Lock (or Event, Condition, Queue) belongs to the event loop it is first used "
                          "in: create it in __init__, one per bucket, not at module or class level.")
            t.fail("behaviour", f"{c.name}'s `await bucket.acquire()` raised {type(c.error).__name__}: {c.error}.{advice}")
            return False
    return True


def judge(t: Trial, crowds: list[Crowd], watch: ClockWatch, request: FakeAsync) -> None:
    """Errors, order, polling, then times: a judgement that only follows from an earlier failure is not made."""
    if not judge_errors(t, crowds) or not all(judge_order(t, crowd) for crowd in crowds):
        return
    if not judge_polling(t, crowds, watch, request):
        return
    t.passed("behaviour", "permits in arrival order, and no polling")
    if all(judge_times(t, crowd) for crowd in crowds):
        t.passed("bounded", "every permit exactly when its token was due")
        if any(c.outcome == "cancelled" for crowd in crowds for c in crowd.callers):
            t.passed("cancellation", "cancelled waiters took no token, and their acquire() raised CancelledError")


def callers(delays: list[float], prefix: str = "caller") -> list[Caller]:
    return [Caller(f"{prefix}{n}", d) for n, d in enumerate(delays)]


async def crowd_scenario(t: Trial, rate: float, burst: int, delays: list[float]) -> None:
    crowd = Crowd("bucket", rate, burst, callers(delays))
    crowd.bucket = make_bucket(t, rate, burst)
    request = t.fake_async("request", latency=0.01, patch=False)
    watch = t.watch_clock()
    await run_crowds(t, [crowd], request)
    judge(t, [crowd], watch, request)


@scenario("rate 2/s, burst 3: ten callers at once get 3 permits at 0 s, then one every 0.5 s")
async def burst_then_rate(t: Trial) -> None:
    await crowd_scenario(t, 2, 3, [0.0] * 10)


@scenario("rate 4/s, burst 2: callers in waves, with idle stretches that refill the bucket")
async def arrivals(t: Trial) -> None:
    await crowd_scenario(t, 4, 2, [0.0, 0.0, 0.0, 0.1, 0.15, 1.3, 1.3, 1.32, 1.33, 1.9, 2.6, 2.6, 2.6, 2.6])


@scenario("rate 3/s, burst 1: a token every third of a second, and part-filled buckets")
async def thirds(t: Trial) -> None:
    await crowd_scenario(t, 3, 1, [0.0, 0.0, 0.0, 0.2, 1.5, 1.6, 1.7, 1.7])


@scenario("rate 1/s, burst 1: two waiting callers are cancelled; the others get their tokens")
async def cancelled_waiters(t: Trial) -> None:
    crowd = Crowd("bucket", 1, 1, callers([0.0] * 6))
    crowd.callers[2].cancel_after = 1.5  # the head of the line: its token is due at 2 s
    crowd.callers[4].cancel_after = 1.5  # one further back
    crowd.bucket = make_bucket(t, 1, 1)
    request = t.fake_async("request", latency=0.01, patch=False)
    watch = t.watch_clock()
    await run_crowds(t, [crowd], request)
    if not judge_errors(t, [crowd]):
        return
    for c in crowd.callers:
        if c.cancel_after is not None and c.outcome == "permit" and c.permit is not None and c.permit > 1.5 + TOLERANCE:
            t.fail("cancellation",
                   f"{c.name} was cancelled at 1.5 s while waiting for a token, but its `await bucket.acquire()` then "
                   f"returned a permit at {c.permit:g} s: let the CancelledError propagate (and take no token).")
            return
    judge(t, [crowd], watch, request)
    # Whole again after a quiet spell: a new caller gets a token at once.
    await asyncio.sleep(5)
    again = Crowd("bucket", 1, 1, callers([0.0], "later"))
    again.bucket = crowd.bucket
    await run_crowds(t, [again], request)
    first = again.callers[0]
    t.expect("cancellation", first.permit is not None and first.arrived is not None
             and abs(first.permit - first.arrived) <= TOLERANCE,
             "after the cancellations and 5 s of quiet, a new caller had to wait for its token: the bucket never "
             "refilled, so the cancelled callers took tokens with them.",
             "cancelled waiters took no token with them: the bucket was whole again afterwards")


@scenario("permits in order and on time whatever the schedule", explore=True)
async def schedules(t: Trial) -> None:
    crowd = Crowd("bucket", 5, 2, callers([0.0, 0.0, 0.05, 0.05, 0.1, 0.3, 0.31, 0.9, 0.9, 0.95]))
    crowd.callers[5].cancel_after = 0.6137  # never the same instant as an arrival, however the schedule varies them
    crowd.bucket = make_bucket(t, 5, 2)
    request = t.fake_async("request", latency=0.01, patch=False)
    watch = t.watch_clock()
    await run_crowds(t, [crowd], request)
    judge(t, [crowd], watch, request)
