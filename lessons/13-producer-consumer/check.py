"""Grades 13-producer-consumer: a worker pool over an asyncio.Queue.

What "Your exercise" asks, and the scenario that checks it:

- the items go through `workers` worker tasks → *items flow through the workers*,
  *more workers than items*: process never runs in more tasks than `workers`
  (`behaviour`; wrong/gather-everything)
- results in input order → the same scenarios (wrong/results-in-finish-order)
- every item processed exactly once → every scenario, and *whatever the schedule*
  (`race`; wrong/empty-means-done)
- never more than `workers` calls in flight → `bounded` in every scenario
  (wrong/gather-everything)
- exactly `workers` while enough items wait → `bounded` (wrong/fixed-batches)
- no worker left running on return → generic `leaked-tasks` (wrong/workers-left-running)
- an exception in process comes out of run_pipeline instead of hanging → *an
  exception in process* (`deadlock` for a hang: wrong/join-hangs-on-error; `behaviour`
  when it is swallowed: wrong/join-swallows-error)
- with the other workers stopped → the same scenario (wrong/others-keep-running)
"""

from __future__ import annotations

from typing import Any

from asynclings_harness import FakeAsync, Trial, scenario

CHECKS = ["behaviour", "bounded", "race"]

SIGNATURE = ("async def run_pipeline(items: list[int], workers: int, "
             "process: Callable[[int], Awaitable[int]]) -> list[int]")


def answer(item: int) -> int:
    return item * 2 + 1


def latency(item: int) -> float:
    """Different for neighbouring items, so that workers finish out of step."""
    return 0.1 + (item * 7 % 5) * 0.05


async def run(t: Trial, items: list[int], workers: int, raises: Any = None) -> tuple[FakeAsync, Any]:
    run_pipeline = t.function("run_pipeline", is_async=True, signature=SIGNATURE)
    process = t.fake_async("process", latency=latency, result=answer, raises=raises, patch=False)
    got = await t.call(run_pipeline, list(items), workers, process.function)
    return process, got


def judge(t: Trial, items: list[int], workers: int, process: FakeAsync, got: Any) -> None:
    """What every scenario that finishes checks: results, exactly once, the bound and its use."""
    expected = [answer(i) for i in items]
    shown = f"run_pipeline({items}, workers={workers}, process)"
    if isinstance(got, list) and sorted(got) == sorted(expected) and got != expected:
        t.fail("behaviour", f"{shown} returned {t.show(got)}: the results in the order they finished. Return them in "
                            f"input order ({t.show(expected)}): put each item's index on the queue with it, and store "
                            "each result at its index.")
    else:
        missing = "" if t.schedule is None else (
            " Some items were never processed: a worker must not take an empty queue to mean the work is done.")
        t.expect("behaviour", got == expected, f"{shown} returned {t.show(got)}; expected {t.show(expected)}.{missing}")
    processed = process.arguments()
    t.expect("behaviour", sorted(processed) == sorted(items),
             f"process was called with {t.show(processed)}; every item should be processed exactly once "
             f"({t.show(items)}, in any order).")
    tasks = {id(call.task_object) for call in process.calls}
    t.expect("behaviour", len(tasks) <= workers,
             f"process ran in {len(tasks)} different tasks; the pipeline should have {workers} worker tasks, each "
             "taking item after item off the queue (a task per item is not a worker pool).")
    t.expect("bounded", process.peak <= workers,
             f"{process.peak} calls of process were in flight at once, but workers={workers}: start exactly "
             f"`workers` worker tasks, and let each process one item at a time.",
             f"never more than {workers} calls in flight")
    gap = process.shortfall(workers, len(items))
    if gap is not None:
        begin, end, count, allowed = gap
        fix = (f"Start all {workers} workers at once, and have each take its next item as soon as it finishes one "
               "(no fixed batches, no sleeping while the queue has work).")
        if t.schedule is not None:
            # Only some schedules show it: a worker gave up early, or waited on something racy.
            fix = ("A worker stopped or stalled while items were still to come. Don't assume another task has "
                   "already run (a `sleep(0)` head start guarantees nothing), and don't take an empty queue to mean "
                   "\"no more work\": only a stop marker, or cancelling the workers after `queue.join()`, should end "
                   "a worker.")
        t.fail("bounded", f"from {begin:g} s to {end:g} s only {count} call(s) of process were in flight while "
                          f"{allowed} could have been (workers={workers}, and items were still waiting). {fix}")
    else:
        t.passed("bounded", f"{workers} calls in flight whenever there was enough work")


@scenario("items flow through the workers; results come back in input order")
async def pool(t: Trial) -> None:
    items = [9, 3, 5, 1, 8, 2, 7, 4, 6]  # they finish in another order than they were given
    process, got = await run(t, items, 3)
    judge(t, items, 3, process, got)
    t.expect("behaviour", process.in_flight == 0, "run_pipeline returned while process calls were still running.")


@scenario("more workers than items, and a single worker")
async def sizes(t: Trial) -> None:
    process, got = await run(t, [4, 2], 5)
    judge(t, [4, 2], 5, process, got)
    items = [3, 1, 2]
    process, got = await run(t, items, 1)
    judge(t, items, 1, process, got)


@scenario("no items: returns at once, leaving no workers behind")
async def empty(t: Trial) -> None:
    process, got = await run(t, [], 3)
    t.expect("behaviour", got == [], f"run_pipeline([], 3, process) returned {t.show(got)}; it should return [].")
    t.expect("behaviour", not process.calls, f"with no items, process was still called: {t.show(process.arguments())}.")


def contains(error: BaseException, wanted: BaseException) -> bool:
    if error is wanted:
        return True
    return isinstance(error, BaseExceptionGroup) and any(contains(e, wanted) for e in error.exceptions)


@scenario("an exception in process comes out of run_pipeline instead of hanging")
async def failure(t: Trial) -> None:
    items = [1, 2, 3, 4, 5, 6, 7, 8]
    raised: list[BaseException] = []

    def boom(item: int) -> BaseException | None:
        if item == 6:
            raised.append(ValueError(f"cannot process {item}"))
            return raised[-1]
        return None

    run_pipeline = t.function("run_pipeline", is_async=True, signature=SIGNATURE)
    process = t.fake_async("process", latency=latency, result=answer, raises=boom, patch=False)
    try:
        got = await t.call(run_pipeline, items, 3, process.function)
    except Exception as error:
        if not (raised and contains(error, raised[0])):
            raise  # the learner's own exception: the run check shows its traceback
        t.passed("behaviour")
    else:
        t.fail("behaviour", f"process(6) raised ValueError, but run_pipeline returned {t.show(got)}: the error was "
                            "swallowed. The worker that called process(6) ended with that exception stored in its "
                            "task, and nothing looked at it: `queue.join()` only counts items done, and "
                            "`gather(..., return_exceptions=True)` hands exceptions back as values. Await the "
                            "workers in a way that raises what they raised, and stop the others.")
        return
    still = [c.args[0] for c in process.calls if c.end is None]
    if still:
        t.consequences("behaviour", "leaked-tasks")  # the workers still running are the same mistake
    t.expect("behaviour", not still,
             f"run_pipeline raised while process was still running for {still}: stop the other workers "
             "(cancel them and await the cancellation) before the error leaves run_pipeline.")


@scenario("every item exactly once, within the bound, whatever the schedule", explore=True)
async def schedules(t: Trial) -> None:
    items = [7, 2, 9, 4, 1, 8, 3, 6]
    process, got = await run(t, items, 3)
    judge(t, items, 3, process, got)
