"""Grades 02-gather: fetch_all_users must fetch every user at once, results in input order.

Each sentence of the lesson's "Your exercise", and what enforces it:

- `fetch_user(user_id)` takes 0.5 s: "fetch_user returns one user after half a second" —
  wrong/fetch-user-no-delay.py.
- it returns {"id": user_id, "name": f"User {user_id}"}: same scenario —
  wrong/fetch-user-wrong-name.py.
- `fetch_all_users(user_ids)` fetches every user concurrently: "starts every fetch at
  once" (the stand-in's peak and the virtual time), "scales to fifty users" (no batches),
  "works with the real fetch_user" — wrong/sequential.py, wrong/await-each-task.py,
  wrong/batches.py (concurrency); wrong/gather-not-awaited.py (unawaited).
- ...through fetch_user: "starts every fetch at once" (one stand-in call per id) —
  wrong/inlines-the-fetch.py.
- it returns them in the order of user_ids: "starts every fetch at once" (the stand-in's
  calls finish in another order) — wrong/as-completed.py.
- `[]` for `[]`: "fetch_all_users([]) returns an empty list at once" —
  wrong/empty-returns-none.py.
"""

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour", "concurrency"]
OVERLAP = "Create every coroutine first, then wait for all of them together (asyncio.gather, or an asyncio.TaskGroup)."


def user(uid: int) -> dict:
    return {"id": uid, "name": f"User {uid}"}


# Different delays per user: a program that returns results in the order they
# finish, or that waits for one before starting the next, cannot hide.
LATENCY = {4: 0.4, 1: 0.1, 3: 0.3, 2: 0.2}


@scenario("fetch_user returns one user after half a second")
async def fetch_user_alone(t: Trial) -> None:
    fetch_user = t.function("fetch_user", is_async=True, signature="async def fetch_user(user_id: int) -> dict")
    got = await t.call(fetch_user, 7)
    t.expect("behaviour", got == user(7),
             f"fetch_user(7) returned {t.show(got)}; it should return {user(7)!r}.")
    t.expect("behaviour", t.close(t.now, 0.5),
             f"fetch_user(7) took {t.now:g} s of (virtual) time; it should simulate a 0.5 s call, pausing "
             "without blocking the event loop.")


@scenario("fetch_all_users starts every fetch at once and keeps the input order")
async def all_at_once(t: Trial) -> None:
    fetch_all_users = t.function("fetch_all_users", is_async=True,
                                 signature="async def fetch_all_users(user_ids: list[int]) -> list[dict]")
    fake = t.fake_async("fetch_user", latency=lambda uid: LATENCY[uid], result=user)
    ids = [4, 1, 3, 2]
    got = await t.call(fetch_all_users, ids)
    expected = [user(uid) for uid in ids]
    if isinstance(got, list) and sorted(map(repr, got)) == sorted(map(repr, expected)) and got != expected:
        t.fail("behaviour", f"fetch_all_users({ids}) returned the users in the order their fetches finished: {t.show(got)}. "
                            "The caller expects them in the order of `user_ids`, whichever fetch finished first.")
    else:
        t.expect("behaviour", got == expected, f"fetch_all_users({ids}) returned {t.show(got)}; expected {t.show(expected)}.")
    t.expect("behaviour", sorted(fake.arguments()) == sorted(ids),
             f"fetch_all_users({ids}) called fetch_user with {fake.arguments()}; it should call it once per id "
             "(fetch_user stands for the user service: every user comes from it).")
    sequential = sum(LATENCY.values())
    slowest = max(LATENCY.values())
    if fake.calls:
        one_by_one = fake.peak == 1 and t.close(t.now, sequential)
        t.expect("concurrency", fake.peak == len(ids) and t.now <= slowest + 1e-6,
                 f"fetch_all_users had at most {fake.peak} of {t.count(len(ids), 'fetch', 'fetches')} in flight at once "
                 f"and took {t.now:g} s{', the sum of the calls: it waited for each before starting the next' if one_by_one else ''} "
                 f"(all at once, they take as long as the slowest, {slowest:g} s). {OVERLAP}",
                 f"{fake.peak} fetches overlapped: {t.now:g} s instead of {sequential:g} s one after another")


@scenario("fetch_all_users scales to fifty users")
async def fifty(t: Trial) -> None:
    fetch_all_users = t.function("fetch_all_users", is_async=True)
    ids = list(range(100, 150))
    fake = t.fake_async("fetch_user", latency=lambda uid: 0.5 + (uid * 37 % 11) / 100, result=user)
    got = await t.call(fetch_all_users, ids)
    t.expect("behaviour", got == [user(uid) for uid in ids],
             f"fetch_all_users(<50 ids>) returned {t.show(got)}; expected 50 users in the order of the ids.")
    if fake.calls:
        t.expect("concurrency", fake.peak == len(ids),
                 f"with 50 ids, at most {t.count(fake.peak, 'fetch', 'fetches')} {'was' if fake.peak == 1 else 'were'} "
                 "in flight at once; all 50 should overlap (this lesson sets no limit: no batches, no cap).")


@scenario("fetch_all_users([]) returns an empty list at once")
async def empty(t: Trial) -> None:
    fetch_all_users = t.function("fetch_all_users", is_async=True)
    t.fake_async("fetch_user", latency=0.5, result=user)
    got = await t.call(fetch_all_users, [])
    t.expect("behaviour", got == [], f"fetch_all_users([]) returned {t.show(got)}; with no ids it should return [].")


@scenario("fetch_all_users works with the real fetch_user")
async def end_to_end(t: Trial) -> None:
    fetch_all_users = t.function("fetch_all_users", is_async=True)
    got = await t.call(fetch_all_users, [1, 2, 3])
    t.expect("behaviour", got == [user(1), user(2), user(3)],
             f"fetch_all_users([1, 2, 3]) returned {t.show(got)}; expected {t.show([user(1), user(2), user(3)])}.")
    t.expect("concurrency", t.now <= 0.5 + 1e-6,
             f"fetch_all_users([1, 2, 3]) with your fetch_user took {t.now:g} s; three 0.5 s fetches at once take 0.5 s. "
             f"{OVERLAP}")
