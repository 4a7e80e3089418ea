"""Grades 06-missing-await: save_all saves every record through save, all at once, and waits for them."""

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
    await t.call(save, record, store)
    t.expect("behaviour", store == [record],
             f"after `await save({record!r}, store)`, store was {t.show(store)}; it should hold exactly that record.")
    t.expect("behaviour", t.close(t.now, 0.01),
             f"save took {t.now:g} s of (virtual) time; it should simulate a 0.01 s write with `await asyncio.sleep(0.01)`.")


async def save_everything(t: Trial, batch: list[dict]) -> None:
    save_all = t.function("save_all", is_async=True,
                          signature="async def save_all(records: list[dict], store: list) -> int")
    fake = t.fake_async("save", latency=write_time, result=keep)
    store: list = []
    got = await t.call(save_all, list(batch), store)
    n = len(batch)
    kept = len(store)
    if kept < n:
        not_started = n - len(fake.calls)
        in_flight = sum(1 for call in fake.calls if call.end is None)
        t.fail("behaviour", f"when save_all returned, store held {kept} of the {n} records: {not_started} of the saves had not "
                            f"started and {in_flight} were still in flight. A coroutine runs only when it is awaited, and work "
                            "started with create_task or gather still has to be awaited before you return: "
                            "`await asyncio.gather(*(save(r, store) for r in records))`.")
    else:
        t.expect("behaviour", sorted(r["id"] for r in store) == sorted(r["id"] for r in batch),
                 f"after save_all, store held {t.show(store)}; it should hold each record exactly once.")
    t.expect("behaviour", got == n and isinstance(got, int),
             f"save_all(<{n} records>, store) returned {t.show(got)}; it should return how many records it saved ({n}).")
    if n > 1 and fake.calls:
        slowest = max(write_time(r, store) for r in batch)
        one_by_one = sum(write_time(r, store) for r in batch)
        t.expect("concurrency", fake.peak == n and t.now <= slowest + 1e-6,
                 f"save_all ran the saves one after another: at most {fake.peak} of {n} were in flight at once, and it took "
                 f"{t.now:g} s{' (their sum)' if t.close(t.now, one_by_one) else ''} where the slowest alone takes {slowest:g} s. "
                 "Create all the coroutines first and await them together with `asyncio.gather`.",
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
