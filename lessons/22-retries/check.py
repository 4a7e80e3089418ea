"""Grades 22-retries: exponential backoff with full jitter, a deadline, the last error, cancellation.

The grader's `operation` fails in a scripted way (different transient errors and
latencies per attempt); each wait is the gap between one attempt's end and the next
one's start. Runs that need many random draws reseed `random` before each run, so
that a grade is reproducible and the waits are judged over many draws.

Each sentence of "Your exercise", the scenario that enforces it, and the variants that break it:

- "calls `await operation()` at most `attempts` times and returns the result of the
  first call that succeeds" -> `backoff` (4 failures, then a success: 5 calls, that
  result, returned at once) and `out_of_attempts` (never more than `attempts` calls);
  `behaviour`. Broken by the starter (no retry at all).
- "An exception that is an instance of `TRANSIENT` ... is retried while attempts
  remain. Any other exception propagates at once" -> `backoff` (ConnectionResetError,
  TimeoutError, BrokenPipeError and ConnectionRefusedError are all retried) and
  `not_transient` (a ValueError after a transient error, a PermissionError, which is
  an OSError but not a ConnectionError); `behaviour`. Broken by
  wrong/retries-everything.py.
- "After the n-th failed attempt, `retry` waits a random time between 0 and
  `min(max_delay, base_delay * 2 ** (n - 1))`" -> `backoff`: every wait of 40 reseeded
  runs within its bound (the last one capped), the waits of one attempt differ from run
  to run (jitter), and the range grows (some wait before attempt 3 exceeds the largest
  allowed before attempt 2); `behaviour`, with a timeline of the run. Broken by
  wrong/no-jitter.py, wrong/no-cap.py and wrong/flat-backoff.py.
- "`retry` never sleeps past its deadline ... if the wait it drew would end later than
  that, it gives up at once instead. An attempt already running is not cut short" ->
  `deadline` (30 reseeded runs: no attempt starts after the deadline; giving up is
  only allowed when the largest possible wait would cross it) and `slow_attempt` (an
  attempt longer than the whole deadline runs to its end); `behaviour`. Broken by
  wrong/sleeps-past-deadline.py.
- "When it gives up ... it raises the last error itself, at once, without a final
  wait" -> `out_of_attempts` and `deadline` (the very exception object of the last
  attempt, raised at the instant that attempt failed); `behaviour`. Broken by
  wrong/wraps-the-error.py and wrong/sleeps-after-last-attempt.py.
- "If the task running `retry` is cancelled, during an attempt or during a wait, the
  `CancelledError` propagates at once and no further attempt is made" -> `cancelled`;
  `cancellation`. Broken by wrong/suppresses-cancel.py.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any, Callable

from asynclings_harness import FakeAsync, Trial, scenario

CHECKS = ["behaviour", "cancellation"]

SIGNATURE = ("async def retry(operation: Callable[[], Awaitable[T]], *, attempts: int, base_delay: float, "
             "max_delay: float, deadline: float) -> T")
RESULT = "payload"
EPSILON = 1e-9


class Script:
    """What the grader's operation does on each attempt: how long it takes, and what it raises."""

    def __init__(self, t: Trial, steps: list[tuple[float | None, BaseException | None]]) -> None:
        self.steps = steps
        self.fake: FakeAsync = t.fake_async("operation", latency=self._latency, raises=self._raises, result=RESULT,
                                            patch=False)
        self.function = self.fake.function

    def _step(self) -> tuple[float | None, BaseException | None]:
        return self.steps[min(len(self.fake.calls), len(self.steps)) - 1]

    def _latency(self) -> float | None:
        return self._step()[0]

    def _raises(self) -> BaseException | None:
        return self._step()[1]

    @property
    def calls(self) -> int:
        return len(self.fake.calls)

    def waits(self) -> list[float]:
        """The gap before each attempt after the first."""
        calls = self.fake.calls
        return [b.start - a.end for a, b in zip(calls, calls[1:]) if a.end is not None]

    def last_error(self) -> BaseException | None:
        return self.fake.calls[-1].raised if self.fake.calls else None


def ceiling(n: int, base_delay: float, max_delay: float) -> float:
    """The longest wait allowed after the n-th failure."""
    return min(max_delay, base_delay * 2 ** (n - 1))


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


async def run_retry(t: Trial, script: Script, **options: Any) -> tuple[str, Any]:
    """Calls the learner's retry; returns ("returned", value) or ("raised", exception)."""
    retry = t.function("retry", is_async=True, signature=SIGNATURE)
    try:
        return "returned", await t.call(retry, script.function, **options)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        return "raised", error


def outcome_text(kind: str, value: Any) -> str:
    return f"returned {value!r}" if kind == "returned" else f"raised {type(value).__name__}: {value}"


def reseed(t: Trial, scenario_name: str, run: int) -> None:
    """A different, reproducible state of `random` for each run (the learner's draws come from it)."""
    random.seed(f"asynclings-22:{scenario_name}:{t.seed}:{run}")


# -- the backoff: bounds, jitter, growth ------------------------------------------------

BACKOFF = dict(attempts=6, base_delay=0.1, max_delay=0.5, deadline=60.0)
FLAKY_STEPS: list[tuple[float | None, BaseException | None]] = [
    (0.05, None), (0.02, None), (0.08, None), (0.03, None), (0.04, None)]
FLAKY_ERRORS = [ConnectionResetError, TimeoutError, BrokenPipeError, ConnectionRefusedError]
RUNS = 40


def flaky_script(t: Trial) -> Script:
    steps = [(latency, FLAKY_ERRORS[i](f"attempt {i + 1} failed") if i < len(FLAKY_ERRORS) else None)
             for i, (latency, _) in enumerate(FLAKY_STEPS)]
    return Script(t, steps)


@scenario("four transient failures, then a success: 40 runs, each with `random` reseeded")
def backoff(t: Trial) -> None:
    samples: list[list[float]] = []
    for run in range(RUNS):
        reseed(t, "backoff", run)

        async def one_run() -> tuple[Script, tuple[str, Any], float]:
            script = flaky_script(t)
            got = await run_retry(t, script, **BACKOFF)
            return script, got, t.now

        script, (kind, value), finished = asyncio.run(one_run())
        shown = f"retry(operation, attempts=6, base_delay=0.1, max_delay=0.5, deadline=60)"
        if not t.expect("behaviour", kind == "returned" and value == RESULT and script.calls == 5,
                        f"the grader's operation failed 4 times with transient errors "
                        f"({', '.join(e.__name__ for e in FLAKY_ERRORS)}) and succeeded on attempt 5, but {shown} "
                        f"{outcome_text(kind, value)} after {script.calls} call(s). Retry every `TRANSIENT` error "
                        "(subclasses included) while attempts remain, and return the first result."):
            return
        last_end = script.fake.calls[-1].end
        if not t.expect("behaviour", last_end is not None and t.close(finished, last_end),
                        f"{shown} returned at {finished:g} s, but its successful attempt ended at {last_end:g} s: "
                        "return the result as soon as you have it."):
            return
        waits = script.waits()
        for n, wait in enumerate(waits, start=1):
            bound = ceiling(n, BACKOFF["base_delay"], BACKOFF["max_delay"])
            if wait > bound + EPSILON or wait < -EPSILON:
                t.keep_timeline()
                t.fail("behaviour",
                       f"after the {ordinal(n)} failure retry waited {wait:.4g} s before trying again, but that wait may "
                       f"be at most min(max_delay, base_delay * 2 ** {n - 1}) = {bound:g} s "
                       f"(base_delay=0.1, max_delay=0.5; run {run + 1} of {RUNS}). The range starts at base_delay, "
                       "doubles after every failure, and never exceeds max_delay.")
                return
        samples.append(waits)
    for n in range(1, len(FLAKY_ERRORS) + 1):
        seen = {round(waits[n - 1], 9) for waits in samples}
        if len(seen) == 1:
            t.fail("behaviour",
                   f"in {RUNS} runs, with `random` reseeded before each, retry waited {seen.pop():.4g} s after the "
                   f"{ordinal(n)} failure every single time. Clients that fail together then retry together, in "
                   "lockstep: draw each wait at random between 0 and its ceiling (jitter).")
            return
    for n in (2, 3):
        largest = max(waits[n - 1] for waits in samples)
        before = ceiling(n - 1, BACKOFF["base_delay"], BACKOFF["max_delay"])
        if largest <= before + EPSILON:
            t.fail("behaviour",
                   f"the waits do not grow: in {RUNS} runs no wait after the {ordinal(n)} failure was longer than "
                   f"{before:g} s, the most allowed after the {ordinal(n - 1)}. The ceiling of the random wait "
                   "doubles after every failure (up to max_delay).")
            return
    t.passed("behaviour", f"every wait of {RUNS} runs stayed within its ceiling, varied from run to run, and grew")


# -- giving up: attempts, the last error, non-transient errors ---------------------------------------


@scenario("an operation that always fails: retry gives up after `attempts` calls and raises the last error")
async def out_of_attempts(t: Trial) -> None:
    for attempts in (4, 1):
        errors = [ConnectionResetError(f"reset #{n}") if n % 2 else TimeoutError(f"timed out #{n}")
                  for n in range(1, attempts + 1)]
        script = Script(t, [(0.1 + 0.05 * n, error) for n, error in enumerate(errors)])
        started = t.now
        kind, value = await run_retry(t, script, attempts=attempts, base_delay=0.2, max_delay=1.0, deadline=60.0)
        shown = f"retry(operation, attempts={attempts}, ...)"
        if not t.expect("behaviour", script.calls == attempts,
                        f"the operation always fails, and {shown} called it {script.calls} times: it should try "
                        f"exactly {attempts} times, then give up."):
            return
        last = script.last_error()
        if kind == "returned":
            t.fail("behaviour", f"every attempt failed, yet {shown} returned {value!r}: when it gives up, raise the "
                                "last error.")
            return
        if value is not last:
            t.fail("behaviour", f"after {attempts} failed attempts {shown} raised {type(value).__name__}: {value}, but "
                                f"the last attempt failed with {type(last).__name__}: {last}. Raise that exception "
                                "itself, not a new one: it is what the caller needs to see, traceback and all.")
            return
        ended = script.fake.calls[-1].end or 0.0
        if not t.expect("behaviour", t.close(t.now, ended),
                        f"{shown} raised at {t.now - started:g} s, but its last attempt failed at {ended - started:g} s: "
                        "after the last attempt there is nothing to wait for, so raise at once."):
            return
    t.passed("behaviour", "gave up after `attempts` calls, at once, with the last error")


@scenario("an error that is not transient propagates at once")
async def not_transient(t: Trial) -> None:
    cases = [
        ([(0.1, ConnectionResetError("reset")), (0.2, ValueError("malformed request"))], 2,
         "a ValueError (on attempt 2)"),
        ([(0.3, PermissionError(13, "access denied"))], 1,
         "a PermissionError (an OSError, but not a ConnectionError)"),
    ]
    for steps, calls, what in cases:
        script = Script(t, steps + [(0.1, None)])
        kind, value = await run_retry(t, script, attempts=5, base_delay=0.2, max_delay=1.0, deadline=60.0)
        error = steps[-1][1]
        if not t.expect("behaviour", script.calls == calls and value is error,
                        f"the operation failed with {what}, which is not in TRANSIENT, and retry "
                        f"{'tried it again' if script.calls > calls else 'then ' + outcome_text(kind, value)} "
                        f"({script.calls} calls in all). Only TRANSIENT errors are retried: any other error is a "
                        "bug or a refusal that will fail the same way again, so let it propagate at once."):
            return
        ended = script.fake.calls[calls - 1].end or 0.0
        if not t.expect("behaviour", t.close(t.now, ended),
                        f"retry raised {what} {t.now - ended:g} s after it happened: let it propagate at once."):
            return
    t.passed("behaviour", "errors outside TRANSIENT propagated at once, never retried")


# -- the deadline ----------------------------------------------------------------------------------

DEADLINE = dict(attempts=10, base_delay=1.0, max_delay=4.0, deadline=5.0)
DEADLINE_RUNS = 30


@scenario("a deadline of 5 s with waits of up to 4 s: 30 runs, each with `random` reseeded")
def deadline(t: Trial) -> None:
    limit = DEADLINE["deadline"]
    for run in range(DEADLINE_RUNS):
        reseed(t, "deadline", run)

        async def one_run() -> tuple[Script, tuple[str, Any], float]:
            script = Script(t, [(0.3, ConnectionResetError(f"reset #{n}")) for n in range(1, 11)])
            got = await run_retry(t, script, **DEADLINE)
            return script, got, t.now

        script, (kind, value), finished = asyncio.run(one_run())
        calls = script.fake.calls
        late = [c for c in calls[1:] if c.start > limit + EPSILON]
        if late:
            t.keep_timeline()
            t.fail("behaviour",
                   f"retry(..., deadline=5) slept past its deadline: it started an attempt at {late[0].start:g} s "
                   f"(run {run + 1}). Before each wait, check whether it would end after the deadline, and if so "
                   "give up instead of sleeping.")
            return
        if kind == "returned" or value is not script.last_error():
            t.fail("behaviour", f"every attempt failed, and when the deadline stopped it retry {outcome_text(kind, value)}; "
                                "it should raise the last attempt's error itself.")
            return
        ended = calls[-1].end or 0.0
        if not t.close(finished, ended):
            t.keep_timeline()
            t.fail("behaviour",
                   f"retry raised at {finished:g} s, {finished - ended:g} s after its last attempt failed at {ended:g} s "
                   f"(run {run + 1}). Once a wait would cross the deadline, no attempt can follow it: raise at once "
                   "rather than sleeping first.")
            return
        n = len(calls)
        if n < DEADLINE["attempts"] and ended + ceiling(n, DEADLINE["base_delay"], DEADLINE["max_delay"]) <= limit - EPSILON:
            t.fail("behaviour",
                   f"retry gave up at {ended:g} s after {n} attempts, though even the longest wait it could draw "
                   f"({ceiling(n, DEADLINE['base_delay'], DEADLINE['max_delay']):g} s) would have ended before the "
                   f"deadline at {limit:g} s (run {run + 1}). Give up only when the wait you drew would cross it.")
            return
    t.passed("behaviour", "never slept past the deadline, and gave up at once with the last error")


@scenario("an attempt longer than the whole deadline runs to its end")
async def slow_attempt(t: Trial) -> None:
    error = TimeoutError("the server took 7 s to fail")
    script = Script(t, [(7.0, error), (0.1, None)])
    kind, value = await run_retry(t, script, attempts=3, base_delay=0.5, max_delay=2.0, deadline=5.0)
    call = script.fake.calls[0] if script.fake.calls else None
    if call is not None and call.cancelled:
        t.fail("behaviour", f"retry cancelled its running attempt at {call.end:g} s because of the deadline: the "
                            "deadline decides whether to wait and try again, and an attempt already running is not "
                            "cut short (the operation has its own timeout for that).")
        return
    t.expect("behaviour", script.calls == 1 and value is error and t.close(t.now, 7.0),
             f"the first attempt failed at 7 s, past the 5 s deadline, and retry then {outcome_text(kind, value)} at "
             f"{t.now:g} s after {script.calls} call(s): no wait fits before the deadline any more, so it should "
             "raise that error at once.",
             "an attempt past the deadline ran to its end; retry then raised its error at once")


# -- cancellation ----------------------------------------------------------------------------------


@scenario("retry is cancelled during a wait, then during an attempt")
async def cancelled(t: Trial) -> None:
    retry = t.function("retry", is_async=True, signature=SIGNATURE)
    loop = t.loop
    for during in ("wait", "attempt"):
        holder: dict[str, asyncio.Task[Any]] = {}

        def cancel_soon() -> BaseException:
            loop.call_soon(holder["task"].cancel)  # runs once retry has moved on to its wait
            return ConnectionResetError("reset")

        if during == "wait":
            fake = t.fake_async("operation", latency=0.1, raises=lambda: cancel_soon() if len(fake.calls) == 1 else None,
                                result=RESULT, patch=False)
        else:
            fake = t.fake_async("operation", latency=None, result=RESULT, patch=False)
        started = t.now
        task = holder["task"] = t.spawn(t.call(retry, fake.function, attempts=5, base_delay=1.0, max_delay=4.0,
                                               deadline=60.0), name="grader-retry")
        if during == "attempt":
            await asyncio.sleep(0.5)
            task.cancel()
        await asyncio.wait([task], timeout=30)
        cancel_at = started + (0.1 if during == "wait" else 0.5)
        if not task.done():
            t.fail("cancellation", f"retry was cancelled during {'its first wait' if during == 'wait' else 'an attempt'} "
                                   f"at {cancel_at - started:g} s and was still running 30 s later, after {len(fake.calls)} "
                                   "attempts: let CancelledError propagate; never catch it to try again.")
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return
        if during == "wait" and len(fake.calls) == 1 and not task.cancelled() and task.exception() is fake.calls[0].raised:
            return  # retry gave up after the first failure without waiting: there was no wait to cancel (see behaviour)
        if not task.cancelled():
            outcome = "returned" if task.exception() is None else f"raised {type(task.exception()).__name__}"
            t.fail("cancellation", f"retry was cancelled during {'its first wait' if during == 'wait' else 'an attempt'}, "
                                   f"went on to make {len(fake.calls)} attempt(s), and {outcome}: a cancellation means "
                                   "stop, not fail. Do not catch CancelledError (a bare `except:`, `except BaseException` "
                                   "or `suppress` around the sleep all do); let it propagate.")
            return
        if not t.expect("cancellation", len(fake.calls) == 1 and t.close(t.now, cancel_at),
                        f"retry was cancelled during {'its first wait' if during == 'wait' else 'an attempt'} at "
                        f"{cancel_at - started:g} s, but it made {len(fake.calls)} attempts and ended at "
                        f"{t.now - started:g} s: stop at once when cancelled."):
            return
    t.passed("cancellation", "a cancellation during a wait or an attempt propagated at once")
