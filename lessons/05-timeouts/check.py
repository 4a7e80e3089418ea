"""Grades 05-timeouts: return at the limit (not at the delay), with the slow operation cancelled.

Each sentence of the lesson's "Your exercise", and what enforces it:

- `slow_operation(delay)` waits `delay` seconds and returns f"Completed after {delay}s":
  "slow_operation answers after its delay" — wrong/wrong-message.py.
- `with_timeout(delay, limit)` runs slow_operation(delay) and returns its result if it
  arrives within `limit`: "a fast operation's result comes back as soon as it is ready"
  (returned value and moment, one call) — wrong/sleep-then-check.py.
- otherwise it returns None at `limit` (not at `delay`): "a slow operation is given up at
  the limit, and cancelled" (the returned value and the exact virtual moment; a
  TimeoutError escaping is a behaviour failure) — wrong/check-afterwards.py,
  wrong/catches-cancelled-error.py.
- with the slow operation cancelled: same scenario (the stand-in's call ended cancelled,
  before with_timeout returned) — wrong/shielded.py, wrong/wait-abandons.py,
  wrong/cancel-without-waiting.py (cancellation).
"""

from asynclings_harness import Abort, Trial, scenario

CHECKS = ["behaviour", "cancellation"]


def completed(delay: float) -> str:
    return f"Completed after {delay}s"


@scenario("slow_operation answers after its delay")
async def slow_alone(t: Trial) -> None:
    slow_operation = t.function("slow_operation", is_async=True, signature="async def slow_operation(delay: float) -> str")
    got = await t.call(slow_operation, 0.5)
    t.expect("behaviour", got == completed(0.5), f"slow_operation(0.5) returned {t.show(got)}; expected {completed(0.5)!r}.")
    t.expect("behaviour", t.close(t.now, 0.5), f"slow_operation(0.5) took {t.now:g} s of (virtual) time; it should "
                                              "take 0.5 s, pausing without blocking the loop.")


async def timed(t: Trial, delay: float, limit: float):
    with_timeout = t.function("with_timeout", is_async=True, signature="async def with_timeout(delay: float, limit: float) -> str | None")
    fake = t.fake_async("slow_operation", latency=lambda d: d, result=completed)
    try:
        got = await t.call(with_timeout, delay, limit)
    except TimeoutError:
        t.fail("behaviour", f"with_timeout({delay:g}, {limit:g}) let a TimeoutError escape at {t.now:g} s: the timeout "
                            "fired, but nothing turned it into the None the caller expects. Catch the timeout's "
                            "exception (TimeoutError; since Python 3.11 asyncio.TimeoutError is the same class) and "
                            "return None.")
        raise Abort("TimeoutError escaped", cause="behaviour", why="with_timeout raised TimeoutError")
    return fake, got


@scenario("a fast operation's result comes back as soon as it is ready")
async def in_time(t: Trial) -> None:
    fake, got = await timed(t, 1.0, 3.0)
    t.expect("behaviour", got == completed(1.0), f"with_timeout(1.0, 3.0) returned {t.show(got)}; the operation finishes in time, so it should return {completed(1.0)!r}.")
    t.expect("behaviour", t.close(t.now, 1.0), f"with_timeout(1.0, 3.0) returned after {t.now:g} s; it should return as soon as the result is ready (1 s).")
    t.expect("behaviour", len(fake.calls) == 1, f"with_timeout should run slow_operation once; it ran it {len(fake.calls)} times.")


@scenario("a slow operation is given up at the limit, and cancelled")
async def too_slow(t: Trial) -> None:
    fake, got = await timed(t, 5.0, 2.0)
    returned_at = t.now
    t.expect("behaviour", got is None, f"with_timeout(5.0, 2.0) returned {t.show(got)}; the operation takes longer than the limit, so it should return None.")
    if t.close(returned_at, 5.0):
        t.fail("behaviour", "with_timeout(5.0, 2.0) returned after 5 s: it waited for the slow operation to finish and only "
                            "then gave up. A timeout has to stop the waiting itself, at the limit, while the operation "
                            "is still running: asyncio has tools that wait with a deadline.")
    else:
        t.expect("behaviour", t.close(returned_at, 2.0), f"with_timeout(5.0, 2.0) returned after {returned_at:g} s; it should return at the limit, 2 s.")
    call = fake.calls[0] if fake.calls else None
    if call is None:
        t.fail("behaviour", "with_timeout(5.0, 2.0) never ran slow_operation.")
        return
    # The slow operation left running is also a leaked task: that is this lesson's cancellation failure.
    t.consequences("cancellation", "leaked-tasks")
    waited_it_out = t.close(returned_at, 5.0)
    if not call.cancelled and call.cancel_requested:
        t.fail("cancellation", "with_timeout called cancel() on the slow operation but returned before the cancellation "
                               "took effect, so it was still running: cancel() only asks. Wait for the task to finish "
                               "unwinding before you return, or let asyncio.timeout do both for you.")
        return
    t.expect("cancellation", call.cancelled,
             "when with_timeout gave up, slow_operation was "
             + ("still running" if call.end is None else f"left to run until it finished at {call.end:g} s")
             + ": giving up must also cancel it, or it keeps holding whatever it holds. `asyncio.timeout` and "
             "`asyncio.wait_for` cancel for you; `asyncio.wait(..., timeout=)` and `asyncio.shield` do not.",
             "the slow operation was cancelled at the limit",
             follows="behaviour" if waited_it_out else None)  # never given up on at all: one bug, not two
    t.expect("cancellation", not call.cancelled or (call.end is not None and call.end <= returned_at + 1e-9),
             "with_timeout returned before the cancelled operation had finished unwinding: await it after cancelling.")
