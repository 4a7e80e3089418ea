"""Grades 07-blocking-calls: lookup_all runs the blocking legacy_lookup in worker threads, overlapping, in order.

Blocking on the loop's thread is the generic `blocking` check: the grader's
legacy_lookup reports the line that called it there. The heartbeat catches a loop
stalled by anything else.
"""

import asyncio

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour", "concurrency"]
HEARTBEAT = 0.05


def duration(key: str) -> float:
    """Each key takes its own time, so order and overlap mistakes show."""
    return 0.1 + (sum(map(ord, key)) % 7) / 20


async def look_up(t: Trial, keys: list[str]) -> None:
    lookup_all = t.function("lookup_all", is_async=True, signature="async def lookup_all(keys: list[str]) -> list[str]")
    fake = t.fake_blocking("legacy_lookup", duration=duration, result=lambda key: key.upper())
    beat = t.heartbeat(HEARTBEAT)
    got = await t.call(lookup_all, list(keys))
    beat.stop()
    expected = [k.upper() for k in keys]
    if isinstance(got, list) and sorted(map(str, got)) == sorted(expected) and got != expected:
        t.fail("behaviour", f"lookup_all({keys}) returned the answers in the order the lookups finished: {t.show(got)}. "
                            f"Return them in the order of `keys`: {t.show(expected)} (asyncio.gather keeps its arguments' order).")
    else:
        t.expect("behaviour", got == expected, f"lookup_all({keys}) returned {t.show(got)}; expected {t.show(expected)}.")
    looked_up = sorted(str(call.args[0]) if call.args else "" for call in fake.calls)
    t.expect("behaviour", looked_up == sorted(keys),
             f"lookup_all({keys}) called legacy_lookup for {looked_up}; it should call it once per key "
             "(use legacy_lookup itself: it is the slow service this exercise stands for).")
    if not fake.on_loop_thread and beat.longest_gap > HEARTBEAT + 1e-6:
        t.fail("blocking", f"the event loop stalled for {beat.longest_gap:g} s while lookup_all ran (the grader's heartbeat, "
                           f"due every {HEARTBEAT:g} s, could not run): something in lookup_all blocks the loop's thread.")
    if len(keys) > 1 and fake.calls:
        one_by_one = sum(duration(k) for k in keys)
        slowest = max(duration(k) for k in keys)
        t.expect("concurrency", fake.peak >= 2 and t.now < one_by_one - 1e-6,
                 f"the lookups ran one after another: at most {fake.peak} of {len(keys)} at once, {t.now:g} s in all "
                 f"(the slowest alone takes {slowest:g} s). Start a thread for every key before awaiting any of them: "
                 "`await asyncio.gather(*(asyncio.to_thread(legacy_lookup, k) for k in keys))`.",
                 f"up to {fake.peak} lookups overlapped in worker threads: {t.now:g} s instead of {one_by_one:g} s")


@scenario("legacy_lookup stays a plain blocking function that upper-cases its key")
async def given(t: Trial) -> None:
    legacy_lookup = t.function("legacy_lookup", is_async=False, signature="def legacy_lookup(key: str) -> str")
    got = await asyncio.to_thread(legacy_lookup, "owl")  # the grader's own worker thread
    t.expect("behaviour", got == "OWL", f"legacy_lookup('owl') returned {t.show(got)}; it should return 'OWL'.")
    t.expect("behaviour", t.close(t.now, 0.2), f"legacy_lookup('owl') took {t.now:g} s; it should block for 0.2 s as given.")


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
    got = await t.call(lookup_all, keys)
    beat.stop()
    t.expect("behaviour", got == [k.upper() for k in keys],
             f"with the legacy_lookup from your file, lookup_all({keys}) returned {t.show(got)}; expected {[k.upper() for k in keys]}.")
