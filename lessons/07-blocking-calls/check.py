"""Grades 07-blocking-calls: lookup_all runs the blocking legacy_lookup in worker threads, overlapping, in order.

Blocking on the loop's thread is the generic `blocking` check: the grader's
legacy_lookup reports the line that called it there. The heartbeat catches a loop
stalled by anything else.

Each sentence of the lesson's "Your exercise", and what enforces it:

- `legacy_lookup(key)` is given: it blocks 0.2 s with time.sleep and returns key.upper();
  keep it a plain blocking function: "legacy_lookup stays a plain blocking function..." —
  wrong/async-legacy.py.
- `lookup_all(keys)` returns legacy_lookup(k) for every key: every lookup_all scenario (one
  stand-in call per key), "...with the real legacy_lookup" — wrong/reimplements-lookup.py.
- ...in the order of keys: same scenarios (each key takes its own time) —
  wrong/completion-order.py.
- without ever running legacy_lookup on the event loop's thread: the stand-in notes its
  thread (generic `blocking`); a heartbeat catches any other stall — wrong/direct-call.py,
  wrong/async-wrapper.py, wrong/called-not-passed.py (blocking).
- with the lookups overlapping: the stand-in's peak and the virtual time, up to five keys
  (the smallest default thread pool) — wrong/one-thread-at-a-time.py (concurrency).
"""

import asyncio

from asynclings_harness import Abort, Trial, scenario

CHECKS = ["behaviour", "concurrency"]
HEARTBEAT = 0.05


def duration(key: str) -> float:
    """Each key takes its own time, so order and overlap mistakes show."""
    return 0.1 + (sum(map(ord, key)) % 7) / 20


async def call_lookup_all(t: Trial, lookup_all, keys: list[str]):
    """lookup_all(keys); an error after legacy_lookup already blocked the loop follows from that call."""
    try:
        return await t.call(lookup_all, list(keys))
    except Exception as error:
        if not t.found("blocking"):
            raise  # the run check shows the traceback
        # legacy_lookup(key) ran on the loop before the error (`to_thread(legacy_lookup(key))`): that call is the bug.
        t.fail("run", f"lookup_all({keys}) raised {t.session.learner.describe_exception(error)}", follows="blocking")
        raise Abort("lookup_all raised", cause="blocking", why=f"lookup_all raised {type(error).__name__}")


async def look_up(t: Trial, keys: list[str]) -> None:
    lookup_all = t.function("lookup_all", is_async=True, signature="async def lookup_all(keys: list[str]) -> list[str]")
    t.function("legacy_lookup", is_async=False)  # the stand-in below is a plain function: so must theirs be
    fake = t.fake_blocking("legacy_lookup", duration=duration, result=lambda key: key.upper())
    beat = t.heartbeat(HEARTBEAT)
    got = await call_lookup_all(t, lookup_all, keys)
    beat.stop()
    expected = [k.upper() for k in keys]
    if isinstance(got, list) and sorted(map(str, got)) == sorted(expected) and got != expected:
        t.fail("behaviour", f"lookup_all({keys}) returned the answers in the order the lookups finished: {t.show(got)}. "
                            f"The caller expects them in the order of `keys`: {t.show(expected)}.")
    else:
        t.expect("behaviour", got == expected, f"lookup_all({keys}) returned {t.show(got)}; expected {t.show(expected)}.")
    looked_up = sorted(str(call.args[0]) if call.args else "" for call in fake.calls)
    t.expect("behaviour", looked_up == sorted(keys),
             f"lookup_all({keys}) called legacy_lookup for {looked_up}; it should call it once per key "
             "(legacy_lookup stands for the slow service: every answer has to come from it).")
    if not fake.on_loop_thread and beat.longest_gap > HEARTBEAT + 1e-6:
        t.fail("blocking", f"the event loop stalled for {beat.longest_gap:g} s while lookup_all ran (the grader's heartbeat, "
                           f"due every {HEARTBEAT:g} s, could not run): something in lookup_all blocks the loop's thread.")
    if len(keys) > 1 and fake.calls:
        one_by_one = sum(duration(k) for k in keys)
        slowest = max(duration(k) for k in keys)
        # On the loop's thread nothing can overlap: that is the `blocking` failure, and this follows from it.
        t.expect("concurrency", fake.peak >= 2 and t.now < one_by_one - 1e-6,
                 f"the lookups ran one after another: at most {fake.peak} of {len(keys)} at once, {t.now:g} s in all "
                 f"(the slowest alone takes {slowest:g} s). A worker thread runs one call; to overlap them, hand every "
                 "key to a thread before waiting for any of the answers.",
                 f"up to {fake.peak} lookups overlapped in worker threads: {t.now:g} s instead of {one_by_one:g} s",
                 follows="blocking" if fake.on_loop_thread else None)


@scenario("legacy_lookup stays a plain blocking function that upper-cases its key")
async def given(t: Trial) -> None:
    legacy_lookup = t.function("legacy_lookup", is_async=False, signature="def legacy_lookup(key: str) -> str")
    got = await asyncio.to_thread(legacy_lookup, "owl")  # the grader's own worker thread
    t.expect("behaviour", got == "OWL", f"legacy_lookup('owl') returned {t.show(got)}; it should return 'OWL'.")
    t.expect("behaviour", t.close(t.now, 0.2), f"legacy_lookup('owl') took {t.now:g} s; it should block for 0.2 s "
                                              "with time.sleep, as given.")


@scenario("lookup_all looks four keys up in worker threads, overlapping, in order")
async def four(t: Trial) -> None:
    await look_up(t, ["bee", "ant", "dog", "cat"])


@scenario("lookup_all with no keys returns []")
async def none(t: Trial) -> None:
    await look_up(t, [])


@scenario("lookup_all with one key")
async def one(t: Trial) -> None:
    await look_up(t, ["yak"])


@scenario("lookup_all with five keys of similar names")
async def five(t: Trial) -> None:
    # At most five: asyncio's default thread pool always has at least five workers.
    await look_up(t, [f"key-{i}" for i in range(5)])


@scenario("lookup_all with the real legacy_lookup keeps the loop free")
async def real(t: Trial) -> None:
    lookup_all = t.function("lookup_all", is_async=True)
    beat = t.heartbeat(HEARTBEAT)
    keys = ["elk", "gnu", "emu"]
    got = await call_lookup_all(t, lookup_all, keys)
    beat.stop()
    t.expect("behaviour", got == [k.upper() for k in keys],
             f"with the legacy_lookup from your file, lookup_all({keys}) returned {t.show(got)}; expected {[k.upper() for k in keys]}.")
