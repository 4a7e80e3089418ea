"""Grades 24-hedged-requests: staggered starts, the first success, and every loser cancelled and awaited.

The replicas are the grader's fakes (`replica('eu-west')`, ...), each with its own
latency and outcome. From what they really did (when each failed), the grader works
out when each replica had to start: the next one `delay` seconds after the previous
one started, or at once when the previous one failed, and none after a success.

Each sentence of "Your exercise", the scenario that enforces it, and the variants that break it:

- "`hedged` calls `replicas[0]()` at once. It calls `replicas[i + 1]()` `delay` seconds
  after it called `replicas[i]()`, or as soon as `replicas[i]` fails, whichever comes
  first; it starts no replica once one has succeeded" -> every scenario compares each
  start with the replica's turn, worked out from when the earlier replicas failed:
  `slow_first` (the delay), `failures_hand_over` (a failure hands over at once, an
  older replica's failure does not), `fast_first` (nobody after a success), `schedules`
  (whatever the order and latencies); `behaviour`, with the timeline. Broken by
  wrong/all-at-once.py and wrong/failure-waits-out-the-delay.py.
- "It returns the result of the first replica to succeed, as soon as it has it" ->
  `slow_first`, `answer_soon_after_hedge` (the first replica answers after the hedge
  started and still wins: cancelling it at the delay loses its answer),
  `failures_hand_over` (a fast failure is not an answer), `fast_first`; `behaviour`.
  Broken by wrong/timeout-then-next.py and wrong/first-to-finish.py.
- "Before returning, it cancels every replica still running and waits until they have
  finished" -> in every scenario: a replica never cancelled, still running when `hedged`
  returned, is `leaked-tasks` (broken by wrong/losers-left-running.py); one cancelled
  but not yet finished is `cancellation` (broken by wrong/cancel-not-awaited.py); a
  failed one nobody awaited is `unretrieved-exception`.
- "If every replica fails, it raises an `ExceptionGroup` whose `exceptions` are the
  replicas' errors, one per replica" -> `all_fail` (three replicas, then one);
  `behaviour`. Broken by wrong/last-error-only.py.
- "If the task running `hedged` is cancelled, it cancels the replicas still running,
  waits for them, and the `CancelledError` propagates" -> `cancelled`; `cancellation`.
  Broken by wrong/cancel-not-forwarded.py.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import Any

from asynclings_harness import FakeAsync, FakeCall, Trial, scenario

CHECKS = ["behaviour", "cancellation", "race"]

SIGNATURE = "async def hedged(replicas: Sequence[Callable[[], Awaitable[T]]], delay: float) -> T"
EPSILON = 1e-9


@dataclass
class Replica:
    name: str
    latency: float | None  # None: never answers (only cancellation ends it)
    fails: bool = False


class Replicas:
    """The grader's replicas: one fake, called with the replica's name."""

    def __init__(self, t: Trial, plan: list[Replica]) -> None:
        self.plan = {r.name: r for r in plan}
        self.order = [r.name for r in plan]
        self.errors = {r.name: ConnectionResetError(f"{r.name} reset the connection") for r in plan if r.fails}
        self.fake: FakeAsync = t.fake_async("replica", latency=lambda name: self.plan[name].latency,
                                            raises=lambda name: self.errors.get(name), result=self.answer, patch=False)
        self.callables = [functools.partial(self.fake.function, name) for name in self.order]

    @staticmethod
    def answer(name: str) -> str:
        return f"answer from {name}"

    def calls(self, name: str) -> list[FakeCall]:
        return [c for c in self.fake.calls if c.args[0] == name]

    def call(self, name: str) -> FakeCall | None:
        calls = self.calls(name)
        return calls[0] if calls else None


@dataclass
class Turn:
    """One replica in the ideal hedge: when it had to be asked, and when it would end."""

    name: str
    at: float  # when its turn came
    ends: float  # when it answers or fails, if asked then (inf: never, or not known)
    fails: bool


def ideal(t: Trial, replicas: Replicas, delay: float, began: float) -> tuple[list[Turn], float]:
    """The hedge the rules ask for, from what each replica did (or, for one cut short, would have done).

    A replica the learner cancelled would have ended ``latency`` seconds after it was
    asked, unless the schedule varies latencies (then it is not known, and it counts
    as never ending). Returns the turns and the first success (inf when none).
    """
    varied = t.schedule is not None and getattr(t.schedule, "vary_latencies", False)
    turns: list[Turn] = []
    at = began
    for name in replicas.order:
        plan = replicas.plan[name]
        call = replicas.call(name)
        if call is not None and call.end is not None and not call.cancelled:
            ends = call.end
        elif plan.latency is None or (varied and call is not None):
            ends = float("inf")
        else:
            ends = (call.start if call is not None else at) + plan.latency
        turns.append(Turn(name, at, ends, plan.fails))
        at = min(at + delay, ends) if plan.fails else at + delay
    success = float("inf")
    for turn in turns:
        if turn.at > success + EPSILON:
            break
        if not turn.fails:
            success = min(success, turn.ends)
    return turns, success


async def call_hedged(t: Trial, replicas: Replicas, delay: float) -> tuple[str, Any, float]:
    hedged = t.function("hedged", is_async=True, signature=SIGNATURE)
    try:
        value = await t.call(hedged, list(replicas.callables), delay)
        return "returned", value, t.now
    except asyncio.CancelledError:
        raise
    except BaseException as error:
        return "raised", error, t.now


def judge_starts(t: Trial, replicas: Replicas, delay: float, began: float, ended: float) -> bool:
    """Each replica asked exactly at its turn; none before it, none after the first success.

    A replica whose turn came when (or after) `hedged` had already ended is not
    expected: that `hedged` ended early is the answer's business.
    """
    turns, success = ideal(t, replicas, delay, began)
    for index, turn in enumerate(turns):
        calls = replicas.calls(turn.name)
        if len(calls) > 1:
            t.fail("behaviour", f"replica {turn.name!r} was asked {len(calls)} times: ask each replica once.")
            return False
        asked = calls[0].start if calls else None
        at_success = abs(turn.at - success) <= EPSILON
        if turn.at > success + EPSILON or at_success:
            if asked is None or at_success and abs(asked - turn.at) <= EPSILON:
                continue  # after (or at the very instant of) the first success: asking it or not are both right
            if asked >= success - EPSILON:
                t.keep_timeline()
                t.fail("behaviour", f"replica {turn.name!r} was asked at {asked - began:g} s, after "
                                    f"{first_answer(turns, success)} had already answered at {success - began:g} s: "
                                    "once a replica has succeeded, there is nothing left to hedge.")
                return False
        if asked is None:
            if turn.at >= ended - EPSILON:
                continue
            t.keep_timeline()
            t.fail("behaviour", f"replica {turn.name!r} was never asked, though its turn came at {turn.at - began:g} s "
                                f"({why(turns, index, delay)}), while hedged was still waiting.")
            return False
        if abs(asked - turn.at) > EPSILON:
            t.keep_timeline()
            if asked < turn.at:
                t.fail("behaviour", f"replica {turn.name!r} was asked at {asked - began:g} s, before its turn at "
                                    f"{turn.at - began:g} s ({why(turns, index, delay)}): a hedge asks the next replica "
                                    "only when the previous one is slow or has failed; asking early multiplies the load.")
            else:
                t.fail("behaviour", f"replica {turn.name!r} was asked at {asked - began:g} s, but its turn came at "
                                    f"{turn.at - began:g} s ({why(turns, index, delay)}).")
            return False
    return True


def first_answer(turns: list[Turn], success: float) -> str:
    return next((repr(turn.name) for turn in turns if not turn.fails and abs(turn.ends - success) <= EPSILON), "a replica")


def why(turns: list[Turn], index: int, delay: float) -> str:
    if index == 0:
        return "the first replica is asked at once"
    previous = turns[index - 1]
    if previous.fails and previous.ends < previous.at + delay - EPSILON:
        return f"{previous.name!r} failed then, and a failure hands over to the next replica at once"
    return f"{delay:g} s after {previous.name!r}'s turn"


def judge_answer(t: Trial, replicas: Replicas, delay: float, kind: str, value: Any, ended: float, began: float) -> bool:
    turns, success = ideal(t, replicas, delay, began)
    if success == float("inf"):
        return True  # nothing could succeed: see all_fail
    winners = [turn.name for turn in turns if not turn.fails and abs(turn.ends - success) <= EPSILON]
    answers = [Replicas.answer(name) for name in winners]
    cut_short = [c for c in replicas.fake.calls if c.args[0] in winners and c.cancelled]
    if cut_short and not (kind == "returned" and value in answers):
        call = cut_short[0]
        t.keep_timeline()
        t.fail("behaviour", f"hedged cancelled replica {call.args[0]!r} at {call.end - began:g} s, though it would have "
                            f"answered at {success - began:g} s, before any other: a hedge keeps the replicas already "
                            "asked running and only adds the next one; give up on none of them until one succeeds.")
        return False
    if kind == "raised":
        t.fail("behaviour", f"hedged raised {type(value).__name__}: {value}, but replica {winners[0]!r} answered at "
                            f"{success - began:g} s: return the first successful answer (a failure is not an answer).")
        return False
    if value not in answers:
        t.fail("behaviour", f"hedged returned {value!r}, but the first replica to answer was {winners[0]!r}, at "
                            f"{success - began:g} s, with {answers[0]!r}: return the first success, not the first replica "
                            "asked or the last to finish.")
        return False
    if ended > success + EPSILON:
        t.keep_timeline()
        t.fail("behaviour", f"hedged returned at {ended - began:g} s, but replica {winners[0]!r} answered at "
                            f"{success - began:g} s: return as soon as the first success arrives (and cancel the rest).")
        return False
    return True


def judge_losers(t: Trial, replicas: Replicas, ended: float, began: float) -> None:
    """Every loser hedged cancelled had finished unwinding when it returned (cancellation).

    A loser never cancelled is still running: the generic `leaked-tasks` check names its
    task and the line that started it. One cancelled but not awaited had not finished
    yet: `cancel()` only asks. What the generic checks find after that follows from it.
    """
    unwinding = [c for c in replicas.fake.calls if c.cancel_requested and (c.end is None or c.end > ended + EPSILON)]
    if unwinding:
        t.consequences("cancellation", "leaked-tasks", "unretrieved-exception")
        names = ", ".join(repr(c.args[0]) for c in unwinding)
        t.fail("cancellation", f"hedged returned at {ended - began:g} s having cancelled {names}, but before "
                               f"{'it' if len(unwinding) == 1 else 'they'} had finished: `cancel()` only asks a task to "
                               "stop. Wait for the cancelled replicas too (they may still be closing a connection) "
                               "before returning.")
    elif any(c.cancelled for c in replicas.fake.calls):
        t.passed("cancellation", "every loser was cancelled, and had finished, when hedged returned")


async def hedge(t: Trial, plan: list[Replica], delay: float) -> None:
    """One call of hedged that must succeed, judged completely."""
    replicas = Replicas(t, plan)
    began = t.now
    kind, value, ended = await call_hedged(t, replicas, delay)
    if judge_starts(t, replicas, delay, began, ended) and judge_answer(t, replicas, delay, kind, value, ended, began):
        t.passed("behaviour", "asked each replica on time and returned the first answer at once")
    judge_losers(t, replicas, ended, began)


@scenario("the first replica is slow: the second is asked after the delay, and wins")
async def slow_first(t: Trial) -> None:
    await hedge(t, [Replica("eu-west", 1.0), Replica("us-east", 0.3), Replica("ap-south", 0.2)], 0.2)


@scenario("the first replica answers soon after the hedge started, and still wins")
async def answer_soon_after_hedge(t: Trial) -> None:
    await hedge(t, [Replica("eu-west", 0.3), Replica("us-east", 0.5), Replica("ap-south", 0.5)], 0.2)


@scenario("failures hand over at once; a failure of an older replica does not")
async def failures_hand_over(t: Trial) -> None:
    await hedge(t, [Replica("eu-west", 0.05, fails=True), Replica("us-east", 0.05, fails=True),
                    Replica("ap-south", 0.2), Replica("sa-east", 0.1)], 0.25)
    await hedge(t, [Replica("eu-west", 0.8), Replica("us-east", 0.05, fails=True), Replica("ap-south", 0.15),
                    Replica("sa-east", 0.1)], 0.25)
    await hedge(t, [Replica("eu-west", 0.3, fails=True), Replica("us-east", 0.4), Replica("ap-south", 0.2)], 0.2)


@scenario("the first replica answers before the delay: nobody else is asked")
async def fast_first(t: Trial) -> None:
    await hedge(t, [Replica("eu-west", 0.1), Replica("us-east", 0.1)], 0.5)


@scenario("every replica fails: an ExceptionGroup with every error")
async def all_fail(t: Trial) -> None:
    for plan, delay in (([Replica("eu-west", 0.1, fails=True), Replica("us-east", 0.2, fails=True),
                          Replica("ap-south", 0.25, fails=True)], 0.15),
                        ([Replica("eu-west", 0.1, fails=True)], 0.15)):
        replicas = Replicas(t, plan)
        began = t.now
        kind, value, returned = await call_hedged(t, replicas, delay)
        if not judge_starts(t, replicas, delay, began, returned):
            return
        errors = [replicas.errors[name] for name in replicas.order]
        shown = ", ".join(f"{type(e).__name__}({str(e)!r})" for e in errors)
        if kind == "returned":
            t.fail("behaviour", f"every replica failed, yet hedged returned {value!r}: raise an ExceptionGroup of "
                                f"their errors ({shown}).")
            return
        if not isinstance(value, BaseExceptionGroup):
            t.fail("behaviour", f"every replica failed ({shown}), and hedged raised {type(value).__name__}: {value}. "
                                "Raise an ExceptionGroup holding every replica's error, so the caller can see why each "
                                "one failed, not just one of them.")
            return
        got = list(value.exceptions)
        if sorted(map(id, got)) != sorted(map(id, errors)):
            t.fail("behaviour", f"every replica failed ({shown}), and hedged raised an ExceptionGroup holding "
                                f"{t.show(got)}: it should hold exactly the replicas' own errors, one per replica.")
            return
        last_end = max(c.end or 0.0 for c in replicas.fake.calls)
        if not t.expect("behaviour", returned <= last_end + EPSILON,
                        f"hedged raised at {returned - began:g} s, but the last replica had failed at "
                        f"{last_end - began:g} s: raise as soon as every replica has failed."):
            return
    t.passed("behaviour", "every failure reached the caller in one ExceptionGroup")


@scenario("the caller cancels hedged while two replicas are running")
async def cancelled(t: Trial) -> None:
    hedged = t.function("hedged", is_async=True, signature=SIGNATURE)
    replicas = Replicas(t, [Replica("eu-west", None), Replica("us-east", None), Replica("ap-south", None)])
    task = t.spawn(hedged(list(replicas.callables), 0.2), name="grader-hedged")
    await asyncio.sleep(0.3)
    task.cancel()
    await asyncio.wait([task], timeout=10)
    running = [c for c in replicas.fake.calls if c.end is None]
    stopped_at = t.now
    for call in running:  # the grader's own clean-up, so that nothing outlives the scenario
        if call.task_object is not None:
            call.task_object.cancel()
    await asyncio.sleep(0)
    if not task.done():
        t.fail("cancellation", "hedged was cancelled at 0.3 s and was still running 10 s later: let the CancelledError "
                               "propagate once the replicas are cancelled.")
        return
    if not task.cancelled():
        outcome = "returned" if task.exception() is None else f"raised {type(task.exception()).__name__}"
        t.fail("cancellation", f"hedged was cancelled at 0.3 s and {outcome} instead of propagating the "
                               "CancelledError: a cancelled hedge must stop, and say so.")
        return
    t.expect("cancellation", not running,
             f"hedged was cancelled at 0.3 s and its CancelledError propagated at {stopped_at:g} s, but "
             f"{', '.join(repr(c.args[0]) for c in running)} {'was' if len(running) == 1 else 'were'} still running: "
             "cancel the replicas it started and wait for them before the cancellation propagates (a TaskGroup, "
             "or `finally:` that cancels and awaits them, does it).",
             "a cancelled hedge cancelled its replicas and waited for them")


@scenario("starts, answer and clean-up hold whatever the schedule", explore=50)
async def schedules(t: Trial) -> None:
    await hedge(t, [Replica("eu-west", 0.6), Replica("us-east", 0.15, fails=True), Replica("ap-south", 0.3),
                    Replica("sa-east", 0.2)], 0.2)
