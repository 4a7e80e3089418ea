"""Grades 06-missing-await: save_all saves every record through save, all at once, and waits for them.

Each sentence of the lesson's "Your exercise", and what enforces it:

- `save(record, store)` simulates a write that takes 0.01 s, then appends the record: "save
  waits 0.01 s, then keeps the record" (store is looked at halfway through the write and
  after it) — wrong/appends-first.py.
- `save_all(records, store)` saves every record concurrently: "save_all saves four records
  at once...", "...forty records" (the stand-in's peak and the virtual time) —
  wrong/one-at-a-time.py (concurrency).
- ...through save: same scenarios (one stand-in call per record) — wrong/appends-directly.py.
- it returns how many it saved: same scenarios, and "save_all with no records" —
  wrong/returns-none.py.
- when it returns, every record is already in store: same scenarios (store is read the
  moment save_all returns) — wrong/bare-call.py, wrong/coroutines-kept-not-run.py
  (unawaited), wrong/gather-not-awaited.py, wrong/tasks-not-awaited.py (leaked-tasks).
"""

import asyncio

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour", "concurrency"]


def records(*ids: int) -> list[dict]:
    return [{"id": i, "name": f"record-{i}"} for i in ids]


def write_time(record: dict, store: list) -> float:
    """Each write takes its own time, so "all at once" and "one after another" cannot look alike."""
    return 0.01 + (record["id"] * 7 % 5) / 100


def keep(record: dict, store: list) -> None:
    store.append(record)


@scenario("save waits 0.01 s, then keeps the record")
async def save_alone(t: Trial) -> None:
    save = t.function("save", is_async=True, signature="async def save(record: dict, store: list) -> None")
    record, store = {"id": 7, "name": "ada"}, []
    halfway: list[list] = []
    t.loop.call_later(0.005, lambda: halfway.append(list(store)))
    await t.call(save, record, store)
    t.expect("behaviour", store == [record],
             f"after `await save({record!r}, store)`, store was {t.show(store)}; it should hold exactly that record.")
    t.expect("behaviour", t.close(t.now, 0.01),
             f"save took {t.now:g} s of (virtual) time; it should simulate a 0.01 s write, pausing without blocking "
             "the loop.")
    if halfway and store == [record]:
        t.expect("behaviour", halfway[0] == [],
                 "halfway through the 0.01 s write, store already held the record: save should keep the record once "
                 "the write is done, not before (a write that fails halfway must not look saved).")


async def save_everything(t: Trial, batch: list[dict]) -> None:
    save_all = t.function("save_all", is_async=True,
                          signature="async def save_all(records: list[dict], store: list) -> int")
    fake = t.fake_async("save", latency=write_time, result=keep)
    store: list = []
    got = await t.call(save_all, list(batch), store)
    n = len(batch)
    kept = len(store)
    # Saves still in flight are tasks nobody waited for (found when save_all returned); saves that never
    # started are coroutines nobody awaited (found when the scenario ends): either check names the line.
    cause = "leaked-tasks" if t.found("leaked-tasks") else "unawaited"
    if kept < n:
        not_started = n - len(fake.calls)
        in_flight = sum(1 for call in fake.calls if call.end is None)
        t.fail("behaviour", f"when save_all returned, store held {kept} of the {n} records: {not_started} of the saves had "
                            f"not started and {in_flight} were still in flight. A coroutine runs only when something "
                            "awaits it, and work handed to the event loop still has to be waited for before you "
                            "return.", follows=cause)
    t.expect("behaviour", got == n and isinstance(got, int),
             f"save_all(<{t.count(n, 'record')}>, store) returned {t.show(got)}; it should return how many records it "
             f"saved ({n}).")
    t.expect("behaviour", len(fake.calls) == n,
             f"save_all(<{t.count(n, 'record')}>, store) called save {t.count(len(fake.calls), 'time')}: every record "
             "should be written through save, once (save stands for the database write).", follows=cause)
    if n > 1 and fake.calls:
        slowest = max(write_time(r, store) for r in batch)
        one_by_one = sum(write_time(r, store) for r in batch)
        t.expect("concurrency", fake.peak == n and t.now <= slowest + 1e-6,
                 f"save_all had at most {fake.peak} of {n} saves in flight at once, and it took "
                 f"{t.now:g} s{' (their sum: one after another)' if t.close(t.now, one_by_one) else ''} where the slowest "
                 "alone takes {slowest:g} s. Create every save first, then wait for all of them together "
                 "(asyncio.gather, or a TaskGroup).".replace("{slowest:g}", f"{slowest:g}"),
                 f"all {n} saves overlapped: {t.now:g} s instead of {one_by_one:g} s one after another")


@scenario("save_all saves four records at once and waits for all of them")
async def four(t: Trial) -> None:
    await save_everything(t, records(3, 1, 4, 2))


@scenario("save_all with no records saves nothing and returns 0")
async def none(t: Trial) -> None:
    await save_everything(t, [])


@scenario("save_all scales to forty records")
async def forty(t: Trial) -> None:
    await save_everything(t, records(*range(100, 140)))
