"""Grades 08-cancellation: work every second; on cancel, clean up exactly once and end cancelled.

The grader cancels at moments of its own choosing (in the first sleep, after
several rounds) and under ``asyncio.timeout``, then looks at how the task ended
and at the log. Cleanup may take time of its own (closing a connection is an await):
the caller's TimeoutError then comes when the cleanup is done, not at the limit itself.

Each sentence of the lesson's "Your exercise", and what enforces it:

- `cancelable_task(log)` loops forever: it appends "working", then sleeps 1 s, again and
  again: every scenario reads the log just before cancelling, and checks the task has not
  finished on its own — wrong/sleeps-first.py, wrong/stops-after-a-while.py,
  wrong/cleanup-every-time.py (behaviour).
- when it is cancelled, it appends "cleanup" exactly once: "cancelled during its first
  sleep...", "cancelled after a few rounds...", "under asyncio.timeout..." —
  wrong/cleanup-twice.py, wrong/except-exception.py (cancellation).
- and lets the cancellation propagate: the task ends cancelled (same scenarios) —
  wrong/swallowed.py, wrong/bare-except-keeps-looping.py (cancellation).
- under `async with asyncio.timeout(...)` the caller sees TimeoutError: "under
  asyncio.timeout(2.5)..." — wrong/replaces-cancellation.py (cancellation).
"""

import asyncio

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour", "cancellation"]
GRACE = 5.0  # virtual seconds a cancelled task gets to finish unwinding
FIX = "Do the cleanup in `except asyncio.CancelledError:` and end it with a bare `raise` (or do it in `finally:`)."


def rounds(seconds: float) -> list[str]:
    """The log after `seconds` of work: one "working" at 0 s, 1 s, 2 s, ..."""
    return ["working"] * (int(seconds) + 1)


def function(t: Trial):
    return t.function("cancelable_task", is_async=True, signature="async def cancelable_task(log: list[str]) -> None")


def check_log_before(t: Trial, log: list[str], seconds: float) -> None:
    expected = rounds(seconds)
    if "cleanup" in log:
        t.fail("behaviour", f"after {seconds:g} s, before anyone cancelled it, the log was {t.show(log)}: \"cleanup\" "
                            "belongs only to the moment the task is cancelled, not to every round. "
                            "Put the try around the whole loop, not inside it.")
    else:
        t.expect("behaviour", log == expected,
                 f"after {seconds:g} s the log was {t.show(log)}; cancelable_task should append \"working\" and then sleep "
                 f"1 s, over and over, so by then it should read {t.show(expected)}.")


def judge_ending(t: Trial, task: asyncio.Task, done: bool, after: list[str], how: str, expected_error: type | None) -> None:
    """How the task ended after `how`, and what it logged on the way out."""
    if not done:
        t.fail("cancellation", f"after {how}, cancelable_task kept running: {GRACE:g} s later it had logged {t.show(after)} "
                               f"and was still going. It caught the CancelledError and carried on. {FIX}")
        return
    if expected_error is None:
        error = None if task.cancelled() else task.exception()
        if not task.cancelled():
            if error is None:
                t.fail("cancellation", f"after {how}, cancelable_task returned normally instead of ending cancelled: it caught "
                                       "the CancelledError and did not re-raise it, so whoever waits on the task cannot tell "
                                       f"it was stopped. {FIX}")
            else:
                t.fail("cancellation", f"after {how}, cancelable_task ended with {type(error).__name__}: {error} instead of "
                                       "ending cancelled: it replaced the CancelledError with another exception. Re-raise the "
                                       "CancelledError itself, with a bare `raise`.")
    cleanups = after.count("cleanup")
    if cleanups == 0:
        t.fail("cancellation", f"after {how}, cleanup never ran: the log gained {t.show(after)}. {FIX} "
                               "(`except Exception` does not catch CancelledError.)")
    else:
        t.expect("cancellation", cleanups == 1 and after[-1] == "cleanup",
                 f"after {how}, the log gained {t.show(after)}: \"cleanup\" should be appended exactly once, "
                 "as the last thing the task does.")


async def cancel_at(t: Trial, seconds: float) -> None:
    cancelable_task = function(t)
    log: list[str] = []
    task = t.spawn(cancelable_task(log), name="cancelable_task")
    await asyncio.sleep(seconds)
    if task.done():
        ended = "cancelled" if task.cancelled() else (f"with {task.exception()!r}" if task.exception() else "by returning")
        t.fail("behaviour", f"cancelable_task finished on its own ({ended}) within {seconds:g} s; it should loop forever "
                            "until it is cancelled.")
        return
    before = list(log)
    check_log_before(t, before, seconds)
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=GRACE)
    judge_ending(t, task, bool(done), log[len(before):], f"task.cancel() at {seconds:g} s", None)


@scenario("cancelled during its first sleep, it cleans up once and ends cancelled")
async def early(t: Trial) -> None:
    await cancel_at(t, 0.25)


@scenario("cancelled after a few rounds, it cleans up once and ends cancelled")
async def later(t: Trial) -> None:
    await cancel_at(t, 3.5)


@scenario("under asyncio.timeout(2.5) the caller sees TimeoutError at 2.5 s")
async def timeout(t: Trial) -> None:
    cancelable_task = function(t)
    log: list[str] = []
    limit = 2.5
    finished_at: list[float] = []

    async def caller() -> None:
        async with asyncio.timeout(limit):
            await cancelable_task(log)

    runner = t.spawn(caller(), name="caller")
    runner.add_done_callback(lambda _: finished_at.append(t.now))
    snapshot: list[list[str]] = []
    t.loop.call_later(limit - 0.05, lambda: snapshot.append(list(log)))  # just before the limit
    done, _ = await asyncio.wait([runner], timeout=limit + GRACE)
    before = snapshot[0] if snapshot else list(log)
    check_log_before(t, before, limit - 0.05)
    after = log[len(before):]
    if not done:
        judge_ending(t, runner, False, after, f"asyncio.timeout({limit:g}) expired", TimeoutError)
        return
    error = None if runner.cancelled() else runner.exception()
    if isinstance(error, TimeoutError):
        # Not before the limit; after it, as soon as the task's cleanup (which may await) is done.
        t.expect("cancellation", finished_at[0] >= limit - 1e-6,
                 f"the caller saw TimeoutError at {finished_at[0]:g} s, before the limit of {limit:g} s.")
    elif error is None and not runner.cancelled():
        t.fail("cancellation", f"asyncio.timeout({limit:g}) expired, but the caller never saw TimeoutError: cancelable_task "
                               "swallowed the cancellation, so the `async with` block looked as if it had finished normally. "
                               f"{FIX}")
    else:
        what = "was cancelled itself" if runner.cancelled() else f"got {type(error).__name__}: {error}"
        t.fail("cancellation", f"when asyncio.timeout({limit:g}) expired, the caller {what} instead of TimeoutError. "
                               "Let the CancelledError leave cancelable_task unchanged: asyncio.timeout turns it into "
                               "TimeoutError for the caller.")
    judge_ending(t, runner, True, after, f"asyncio.timeout({limit:g}) expired", TimeoutError)
