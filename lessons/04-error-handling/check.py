"""Grades 04-error-handling: every item runs at once; failures are values, not show-stoppers.

Each sentence of the lesson's "Your exercise", and what enforces it:

- `risky_operation(item_id)` takes 0.1 s: "risky_operation succeeds or raises ValueError
  after 0.1 s" — wrong/risky-no-delay.py.
- it raises ValueError(f"Item {item_id} failed") when item_id % 3 == 0, otherwise returns
  {"id": item_id, "status": "success"}: same scenario — wrong/risky-returns-error.py.
- `process_items` runs risky_operation for every id at once: "every item runs at once..."
  (the stand-in's peak and the virtual time) — wrong/sequential-try.py (concurrency).
- it lets no failure stop the others: same scenario (every call runs to the end; an
  exception escaping process_items is a behaviour failure) — wrong/first-error-escapes.py,
  wrong/task-group-cancels.py, wrong/skips-by-rule.py (behaviour),
  wrong/try-around-gather.py (leaked-tasks), wrong/fire-and-check.py
  (unretrieved-exception).
- it returns (successes, failures), the successful results in input order: same scenario
  (the stand-in's calls finish in another order) and "all succeed, all fail, and no
  items" — wrong/completion-order.py.
- ...and the raised exception objects in input order: same scenarios (the very objects the
  stand-in raised, on ids of the grader's choosing) — wrong/recomputes-rule.py,
  wrong/failures-as-strings.py.
"""

from asynclings_harness import Abort, Trial, scenario

CHECKS = ["behaviour", "concurrency"]


def success(item_id: int) -> dict:
    return {"id": item_id, "status": "success"}


@scenario("risky_operation succeeds or raises ValueError after 0.1 s")
async def risky_alone(t: Trial) -> None:
    risky_operation = t.function("risky_operation", is_async=True,
                                 signature="async def risky_operation(item_id: int) -> dict")
    got = await t.call(risky_operation, 4)
    t.expect("behaviour", got == success(4), f"risky_operation(4) returned {t.show(got)}; expected {success(4)!r}.")
    t.expect("behaviour", t.close(t.now, 0.1), f"risky_operation(4) took {t.now:g} s of (virtual) time; it should "
                                              "take 0.1 s, pausing without blocking the loop.")
    try:
        got = await t.call(risky_operation, 6)
    except ValueError as error:
        t.expect("behaviour", str(error) == "Item 6 failed",
                 f"risky_operation(6) raised ValueError({str(error)!r}); the message should be 'Item 6 failed'.")
    else:
        t.fail("behaviour", f"risky_operation(6) returned {t.show(got)}; ids divisible by 3 should raise ValueError('Item 6 failed').")


# The grader's risky_operation: its own failing ids and delays, so that only the
# outcomes that really happened can produce the right answer.
FAILING = {2, 5, 8}
DELAY = {1: 0.3, 2: 0.1, 3: 0.5, 4: 0.2, 5: 0.4, 6: 0.15, 7: 0.25, 8: 0.05}


async def run(t: Trial, ids: list[int]):
    process_items = t.function("process_items", is_async=True,
                               signature="async def process_items(item_ids: list[int]) -> tuple[list[dict], list[Exception]]")
    raised: dict[int, ValueError] = {}

    def failure(item_id: int):
        if item_id in FAILING:
            raised[item_id] = ValueError(f"Item {item_id} failed")
            return raised[item_id]
        return None

    fake = t.fake_async("risky_operation", latency=lambda i: DELAY.get(i, 0.1), result=success, raises=failure)
    try:
        got = await t.call(process_items, list(ids))
    except Exception as error:
        escaped = [(i, e) for i, e in raised.items() if contains(error, e)]
        if not escaped:
            raise  # the learner's own exception: the run check shows its traceback
        item, first = escaped[0]
        how = (f"an {type(error).__name__} holding {first!r}" if error is not first else repr(first))
        t.fail("behaviour", f"process_items({ids}) raised {how}, the error risky_operation({item}) raised: one item's "
                            "failure stopped the whole batch, and every result was lost. A failed item should come back "
                            "as a value on the failures side while the others run on."
                            + (" (A TaskGroup cancels the other tasks when one fails: let each task catch its own item's "
                               "error, or use a tool that collects exceptions as results.)" if error is not first else ""))
        raise Abort("an item's exception escaped", cause="behaviour", why=f"process_items raised {type(error).__name__}")
    return fake, raised, got


def contains(error: BaseException, wanted: BaseException) -> bool:
    """Whether ``error`` is ``wanted``, or an exception group holding it."""
    if error is wanted:
        return True
    return isinstance(error, BaseExceptionGroup) and any(contains(inner, wanted) for inner in error.exceptions)


@scenario("every item runs at once; each outcome lands on the right side, in input order")
async def mixed(t: Trial) -> None:
    ids = [3, 2, 1, 8, 4, 5, 7, 6]
    fake, raised, got = await run(t, ids)
    t.require("behaviour", isinstance(got, tuple) and len(got) == 2,
              f"process_items returned {t.show(got)}; it should return a tuple (successes, failures).")
    successes, failures = got
    expected_ok = [success(i) for i in ids if i not in FAILING]
    expected_bad = [raised[i] for i in ids if i in raised]
    successes, failures = list(successes), list(failures)
    misplaced = [x for x in successes if isinstance(x, BaseException)] + [x for x in failures if isinstance(x, dict)]
    made_up = [x for x in failures if isinstance(x, BaseException) and not any(x is r for r in raised.values())]
    if misplaced or made_up:
        t.fail("behaviour", f"process_items({ids}) returned successes {t.show(successes)} and failures {t.show(failures)}. "
                            f"In this run risky_operation failed for items {sorted(raised)} (the grader's stand-in "
                            "fails on ids of its own choosing, not on multiples of 3): sort each outcome by what "
                            "actually came back, a result or an exception, and keep the exception objects that were "
                            "raised rather than making new ones.")
    else:
        t.expect("behaviour", successes == expected_ok,
                 f"the successes were {t.show(successes)}; expected the results of the items that succeeded, in input "
                 f"order: {t.show(expected_ok)}.")
        same_objects = len(failures) == len(expected_bad) and all(a is b for a, b in zip(failures, expected_bad))
        t.expect("behaviour", same_objects,
                 f"the failures were {t.show(failures)}; expected the exceptions risky_operation actually raised, "
                 f"in input order: {t.show(expected_bad)} (the exception objects themselves).")
    finished = sum(1 for c in fake.calls if not c.cancelled and c.end is not None)
    t.expect("behaviour", finished == len(ids),
             f"only {finished} of {len(ids)} operations ran to the end: a failure must not stop or cancel the others.")
    slowest = max(DELAY[i] for i in ids)
    t.expect("concurrency", fake.peak == len(ids) and t.now <= slowest + 1e-6,
             f"process_items ran at most {fake.peak} of {len(ids)} operations at a time and took {t.now:g} s; "
             f"all at once they take {slowest:g} s. Start every item before waiting for any of them.",
             f"all {len(ids)} operations overlapped ({t.now:g} s)")


@scenario("all succeed, all fail, and no items")
async def edges(t: Trial) -> None:
    fake, raised, got = await run(t, [1, 4, 7])
    t.expect("behaviour", isinstance(got, tuple) and list(got[0]) == [success(1), success(4), success(7)] and list(got[1]) == [],
             f"process_items([1, 4, 7]) (all succeed) returned {t.show(got)}.")
    fake, raised, got = await run(t, [5, 2])
    t.expect("behaviour", isinstance(got, tuple) and list(got[0]) == [] and [str(e) for e in got[1]] == ["Item 5 failed", "Item 2 failed"],
             f"process_items([5, 2]) (all fail) returned {t.show(got)}; expected ([], [ValueError('Item 5 failed'), ValueError('Item 2 failed')]).")
    fake, raised, got = await run(t, [])
    t.expect("behaviour", isinstance(got, tuple) and list(got[0]) == [] and list(got[1]) == [],
             f"process_items([]) returned {t.show(got)}; expected ([], []).")
