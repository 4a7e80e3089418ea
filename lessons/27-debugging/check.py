"""Grades 27-debugging: the nightly export, repaired. Each fault must be gone, however it was found.

The grader replaces the five stand-ins: `fetch` (its own latency per record, LookupError
for the ids it chooses), `pack` (0.2 s of CPU work: it stalls the loop when called on
it), `store`, `notify` (ConnectionError for the subscribers it chooses) and `publish`. It
runs `export` on three nights and judges what the stand-ins saw; nothing looks at how
the code is written or at which tool found the fault.
What "Your exercise" asks, and the scenario that checks it:

- every record is fetched, packed and stored, by three workers: never more than three
  records in progress, and three while three or more are left → *a good night*, *a bad
  night* (`bounded`; wrong/one-worker); what `store` saw and the report's "stored"
  (`behaviour`)
- `pack` runs off the event loop → every night with records (generic `blocking`: the
  slow-callback fault; wrong/still-packs-on-the-loop)
- a record whose `fetch` raises LookupError is listed in "missing", and the export goes
  on and finishes → *a bad night* (`deadlock` when export never finishes, with where
  every task waits: the hang; wrong/still-hangs; `behaviour` for the report)
- once every record is done, every subscriber is notified at once; the ones whose
  `notify` raised ConnectionError are listed in "unreachable" → *a good night* (the
  archive cannot be reached: generic `unretrieved-exception` for a notification whose error
  nobody looked at, wrong/errors-never-retrieved; `behaviour` for the report and the
  timing, wrong/errors-swallowed, wrong/one-subscriber-at-a-time)
- then `await publish(report)` and return the report, at once → every night
  (`unawaited` for a publish never awaited: wrong/publish-not-awaited; `behaviour` for
  when: wrong/hang-hidden-by-a-timeout)
- (no task is left behind) → generic `leaked-tasks` (wrong/workers-left-running)
- *an empty night*: `export([])` still tells the subscribers, publishes and returns an
  empty report
"""

from __future__ import annotations

import asyncio
from typing import Any

from asynclings_harness import Abort, Trial, scenario

CHECKS = ["behaviour", "bounded"]

SIGNATURE = "async def export(ids: list[int]) -> dict"
WORKERS = 3
PACK_SECONDS = 0.2
PUBLISH_SECONDS = 0.05
SUBSCRIBERS = ("billing", "search", "archive")
NOTIFY_SECONDS = {"billing": 0.12, "search": 0.2, "archive": 0.07}
PATIENCE = 60.0  # virtual seconds after which an export that has not returned is hung
EPSILON = 1e-6


def fetch_latency(record_id: int) -> float:
    return 0.31 + (record_id * 7 % 5) * 0.11


def store_latency(record_id: int, blob: bytes) -> float:
    return 0.13 + (record_id % 3) * 0.07


class Night:
    """The grader's stand-ins for one run of the export, and what they saw."""

    def __init__(self, t: Trial, ids: list[int], *, deleted: set[int] = frozenset(), down: set[str] = frozenset()) -> None:
        self.t = t
        self.ids = ids
        self.deleted = set(deleted)
        self.down = set(down)  # subscribers that cannot be reached tonight
        self.fetch = t.fake_async("fetch", latency=fetch_latency, result=lambda rid: {"id": rid, "body": f"record {rid}"},
                                  raises=lambda rid: LookupError(f"record {rid} was deleted") if rid in self.deleted else None)
        self.pack = t.fake_blocking("pack", duration=PACK_SECONDS, result=lambda record: f"packed {record['id']}".encode())
        self.store = t.fake_async("store", latency=store_latency)
        self.notify = t.fake_async("notify", latency=lambda name: NOTIFY_SECONDS.get(name, 0.1),
                                   raises=lambda name: ConnectionError(f"{name} did not answer") if name in self.down else None)
        self.publish = t.fake_async("publish", latency=PUBLISH_SECONDS)

    @property
    def expected(self) -> dict[str, list[Any]]:
        return {"stored": sorted(set(self.ids) - self.deleted), "missing": sorted(set(self.ids) & self.deleted),
                "unreachable": [name for name in SUBSCRIBERS if name in self.down]}

    def record_spans(self) -> dict[int, tuple[float, float | None]]:
        """Each record's time in progress: from its fetch to its store (or to its fetch, for a deleted one)."""
        spans: dict[int, tuple[float, float | None]] = {}
        for call in self.fetch.calls:
            rid = call.args[0]
            spans[rid] = (call.start, call.end if rid in self.deleted else None)
        for call in self.store.calls:
            rid = call.args[0]
            if rid in spans:
                spans[rid] = (spans[rid][0], call.end)
        return spans


async def run_export(t: Trial, night: Night) -> tuple[Any, float]:
    """Runs export; a `deadlock` failure (with where every task waits) that ends the scenario if it never returns."""
    export = t.function("export", is_async=True, signature=SIGNATURE)
    call = t.spawn(t.call(export, list(night.ids)), name="grader-export")
    done, _ = await asyncio.wait([call], timeout=PATIENCE)
    if not done:
        stacks = t.task_stacks()
        call.cancel()
        t.consequences("deadlock", "leaked-tasks", "unretrieved-exception", "unawaited")  # left behind by the hang
        t.fail("deadlock", f"export({t.show(night.ids)}) never finished: {PATIENCE:g} s after it started, with "
                           f"{t.count(len(night.fetch.calls), 'record')} fetched, every one of your tasks was waiting:\n"
                           + "\n".join("  " + line for line in stacks) +
                           "\nA dump like this one is how a hang shows itself: find what each task waits for, and what "
                           "should have provided it.")
        try:
            await call
        except BaseException:
            pass
        raise Abort("export never finished", cause="deadlock", why="export never finished")
    return call.result(), t.now


def judge_night(t: Trial, night: Night, report: Any, returned_at: float) -> bool:
    """The checks every night shares; True if `behaviour` held."""
    expected = night.expected
    if report != expected:
        unreachable_only = isinstance(report, dict) and {k: v for k, v in report.items() if k != "unreachable"} == \
            {k: v for k, v in expected.items() if k != "unreachable"}
        t.fail("behaviour", f"export({t.show(night.ids)}) returned {t.show(report)}; with records "
                            f"{t.show(sorted(night.deleted))} deleted (fetch raised LookupError) and "
                            f"{t.show(sorted(night.down))} unreachable (notify raised ConnectionError), the report is "
                            f"{t.show(expected)}: every record stored, the deleted ones listed as missing (both sorted), "
                            "and the subscribers that could not be told, in SUBSCRIBERS order.",
               follows="unretrieved-exception" if unreachable_only else None)
        return False
    fetched = sorted(c.args[0] for c in night.fetch.calls)
    if fetched != sorted(night.ids):
        t.fail("behaviour", f"export fetched {t.show(fetched)}; each record once: {t.show(sorted(night.ids))}.")
        return False
    stored = sorted((c.args[0], c.args[1]) for c in night.store.calls)
    wanted = [(rid, f"packed {rid}".encode()) for rid in expected["stored"]]
    if stored != wanted:
        t.fail("behaviour", f"store was called with {t.show(stored)}; each record that was fetched is stored once, "
                            f"with what pack(record) returned: {t.show(wanted)}.")
        return False
    spans = night.record_spans()
    last_done = max((end for _, end in spans.values() if end is not None), default=0.0)
    told = sorted(c.args[0] for c in night.notify.calls)
    if told != sorted(SUBSCRIBERS):
        t.fail("behaviour", f"notify was called for {t.show(told)}: once for every subscriber, {t.show(list(SUBSCRIBERS))}.")
        return False
    starts = sorted(c.start for c in night.notify.calls)
    if not t.close(starts[0], starts[-1]):
        t.fail("behaviour", f"the subscribers were notified at {t.show([round(s, 3) for s in starts])} s, one after "
                            "another: tell them all at once (`asyncio.gather`, or a task each).")
        return False
    if not t.close(starts[0], last_done):
        t.fail("behaviour", f"the last record was done at {last_done:g} s, but export went on only at {starts[0]:g} s, "
                            "when it notified the subscribers: carry on as soon as every record is done (a wait that "
                            "only a timeout ends is a hang in disguise).")
        return False
    notified = max((c.end for c in night.notify.calls if c.end is not None), default=last_done)
    published = [c for c in night.publish.calls]
    if not published:
        t.fail("behaviour", "export never published the report: `publish(report)` only makes a coroutine; "
                            "`await publish(report)` runs it.", follows="unawaited")
        return False
    if len(published) != 1 or published[0].args != (expected,) or published[0].end is None:
        t.fail("behaviour", f"publish was called {t.count(len(published), 'time')} with {t.show([c.args for c in published])}: "
                            f"once, with the report, awaited to its end.")
        return False
    if published[0].end > returned_at + EPSILON:
        t.fail("behaviour", "export returned before publish had finished: await it.", follows="unawaited")
        return False
    if not t.close(published[0].start, notified) or not t.close(returned_at, published[0].end):
        t.fail("behaviour", f"the last record was done at {last_done:g} s and the subscribers told by {notified:g} s, but "
                            f"export published the report at {published[0].start:g} s and returned at {returned_at:g} s: "
                            "publish as soon as the subscribers are told, and return as soon as it is published.")
        return False
    return True


def judge_bounded(t: Trial, night: Night) -> None:
    spans = night.record_spans()
    edges = sorted({s for s, _ in spans.values()} | {e for _, e in spans.values() if e is not None})
    total = len(night.ids)
    peak = 0
    for begin, end in zip(edges, edges[1:]):
        middle = (begin + end) / 2
        running = sum(1 for s, e in spans.values() if s <= middle and (e is None or e > middle))
        done = sum(1 for _, e in spans.values() if e is not None and e <= middle)
        peak = max(peak, running)
        if running > WORKERS:
            t.fail("bounded", f"from {begin:g} s to {end:g} s, {running} records were in progress at once: at most {WORKERS} "
                              "(three workers, each with one record from fetch to store).")
            return
        if running < min(WORKERS, total - done):
            t.fail("bounded", f"from {begin:g} s to {end:g} s only {t.count(running, 'record was', 'records were')} in "
                              f"progress while {total - done} were left: {WORKERS} workers keep {WORKERS} records going "
                              "as long as there are that many.")
            return
    t.passed("bounded", f"{WORKERS} records in progress at a time, never more")


@scenario("a good night: twelve records, nothing deleted, but the archive cannot be reached")
async def good_night(t: Trial) -> None:
    night = Night(t, list(range(1, 13)), down={"archive"})
    report, returned_at = await run_export(t, night)
    if judge_night(t, night, report, returned_at):
        t.passed("behaviour", "every record was stored, the subscribers told (the archive listed as unreachable), the "
                              "report published and returned")
    judge_bounded(t, night)


@scenario("a bad night: records 4, 9 and 11 are deleted")
async def bad_night(t: Trial) -> None:
    night = Night(t, list(range(1, 15)), deleted={4, 9, 11})
    report, returned_at = await run_export(t, night)
    if judge_night(t, night, report, returned_at):
        t.passed("behaviour", "deleted records were listed as missing, and the export finished")
    judge_bounded(t, night)


@scenario("an empty night: export([])")
async def empty_night(t: Trial) -> None:
    night = Night(t, [])
    report, returned_at = await run_export(t, night)
    judge_night(t, night, report, returned_at)
