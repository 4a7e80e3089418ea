"""Grades 17-task-groups: downloads in an asyncio.TaskGroup, failures handled with except*.

All downloads run at once; the first failure cancels the rest immediately; network
errors (ConnectionError) make download_all return None, any other error comes out
(in the ExceptionGroup); nothing is left running. Failures at the same instant are
explored under many schedules (the `race` check).
What "Your exercise" asks, and the scenario that checks it:

- every download at the same time → *every download runs at once* (`concurrency`;
  wrong/await-each-task)
- `{name: contents}` when all succeed, `{}` for no names → the same scenario
  (`behaviour`; wrong/returns-tasks)
- when one fails, the others are cancelled right away and nothing is left running →
  *a network error cancels*, *any other error cancels* and the explored scenario
  (`cancellation`; wrong/gather, wrong/errors-caught-per-task)
- network errors make it return None → *a network error cancels the other downloads*
  (`behaviour`; wrong/plain-except)
- any other error comes out, in the ExceptionGroup → *any other error* (wrong/except-star-everything)
- with both at once, only the non-network part comes out → *a network error and
  another error at the same moment*, ordinary order (`behaviour`) and explored
  (`race`; wrong/any-network-error-means-offline)
"""

from __future__ import annotations

import asyncio
from typing import Any

from asynclings_harness import FakeAsync, Trial, scenario

CHECKS = ["behaviour", "concurrency", "cancellation", "race"]

SIGNATURE = "async def download_all(names: list[str]) -> dict[str, str] | None"
LATENCY = {"alpha": 0.3, "bravo": 0.2, "charlie": 0.45, "delta": 0.25, "echo": 0.5, "foxtrot": 0.35}


def contents(name: str) -> str:
    return f"contents of {name}"


def leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


async def run(t: Trial, names: list[str], failures: dict[str, tuple[float, type[Exception]]]) -> tuple[FakeAsync, Any, BaseException | None]:
    """Runs download_all with the grader's download: ``failures`` maps a name to (when, exception type)."""
    download_all = t.function("download_all", is_async=True, signature=SIGNATURE)

    def latency(name: str) -> float:
        return failures[name][0] if name in failures else LATENCY.get(name, 0.1)

    def failure(name: str) -> BaseException | None:
        if name in failures:
            kind = failures[name][1]
            return kind(f"{name}: {'the network is down' if kind is ConnectionError else 'no such file'}")
        return None

    download = t.fake_async("download", latency=latency, result=contents, raises=failure)
    got: Any = None
    error: BaseException | None = None
    try:
        got = await t.call(download_all, list(names))
    except Exception as raised:  # judged below; a learner's own bug is re-raised there
        error = raised
    return download, got, error


def raised_by_grader(download: FakeAsync) -> list[BaseException]:
    return [c.raised for c in download.calls if c.raised is not None]


def first_failure(download: FakeAsync) -> float:
    return min((c.end for c in download.calls if c.raised is not None and c.end is not None), default=0.0)


def judge_cancellation(t: Trial, download: FakeAsync, failed_at: float, returned_at: float) -> None:
    """Everything still running when the first download failed must have been cancelled right then."""
    running = [c for c in download.calls if c.raised is None and (c.end is None or c.end > failed_at + 1e-9)]
    still = [c.args[0] for c in running if c.end is None]
    late = [c.args[0] for c in running if c.end is not None and not c.cancelled]
    if still:
        t.fail("cancellation", f"download_all finished at {returned_at:g} s with {still} still downloading: their tasks "
                               "were left running. Start the downloads in an `asyncio.TaskGroup`: when one fails, the "
                               "group cancels the others and waits for them before the error comes out.")
    elif late:
        t.fail("cancellation", f"a download failed at {failed_at:g} s, but {late} carried on to the end: the others "
                               "should be cancelled as soon as one fails (a TaskGroup does that; gather and "
                               "per-task try/except do not).")
    else:
        slow = [c.args[0] for c in running if c.cancelled and c.end is not None and c.end > failed_at + 1e-6]
        t.expect("cancellation", not slow,
                 f"a download failed at {failed_at:g} s, but {slow} were cancelled only later: cancel at once.",
                 "the other downloads were cancelled the moment one failed")


@scenario("every download runs at once, and download_all returns all the contents")
async def all_succeed(t: Trial) -> None:
    names = ["alpha", "bravo", "charlie", "delta", "echo"]
    download, got, error = await run(t, names, {})
    if error is not None:
        raise error
    expected = {name: contents(name) for name in names}
    if isinstance(got, dict) and any(isinstance(value, asyncio.Task) for value in got.values()):
        t.fail("behaviour", f"download_all({names}) returned a dict of Task objects; it should map each name to what "
                            "its download returned, and a finished task hands that over when asked for its result.")
    else:
        t.expect("behaviour", got == expected, f"download_all({names}) returned {t.show(got)}; expected {t.show(expected)}.")
    slowest = max(LATENCY[n] for n in names)
    t.expect("concurrency", download.peak == len(names) and t.now <= slowest + 1e-6,
             f"download_all ran at most {download.peak} of {len(names)} downloads at a time and took {t.now:g} s; "
             f"together they take {slowest:g} s. Each download waited for the one before: start them all before "
             "waiting for any, and let the group's block do the waiting.",
             f"all {len(names)} downloads overlapped ({t.now:g} s)")
    download, got, error = await run(t, [], {})
    t.expect("behaviour", got == {} and error is None, f"download_all([]) returned {t.show(got)}; it should return {{}}.")


@scenario("a network error cancels the other downloads, and download_all returns None")
async def network_error(t: Trial) -> None:
    names = ["alpha", "bravo", "charlie", "delta", "echo"]
    download, got, error = await run(t, names, {"delta": (0.15, ConnectionError)})
    returned_at = t.now
    if error is not None:
        ours = raised_by_grader(download)
        if any(leaf in ours for leaf in leaves(error)):
            wrapped = isinstance(error, BaseExceptionGroup)
            t.fail("behaviour", f"download('delta') raised ConnectionError, and it came out of download_all "
                                + ("wrapped in an ExceptionGroup: a TaskGroup raises its tasks' errors as a group, "
                                   "which `except ConnectionError:` does not match. `except*` matches the errors "
                                   "inside a group, and can pick out just the network ones."
                                   if wrapped else "unhandled; network errors should make it return None."))
        else:
            raise error
    else:
        t.expect("behaviour", got is None, f"download('delta') raised ConnectionError, but download_all returned "
                                           f"{t.show(got)}; after a network error it should return None.")
    failed_at = first_failure(download)
    judge_cancellation(t, download, failed_at, returned_at)
    t.expect("cancellation", returned_at <= failed_at + 1e-6,
             f"the network error happened at {failed_at:g} s, but download_all only finished at {returned_at:g} s: "
             "the others should be cancelled then, not awaited to the end.")


@scenario("any other error cancels the others and comes out of download_all")
async def other_error(t: Trial) -> None:
    names = ["alpha", "bravo", "charlie", "delta", "echo"]
    download, got, error = await run(t, names, {"bravo": (0.12, ValueError)})
    returned_at = t.now
    ours = raised_by_grader(download)
    if error is None:
        t.fail("behaviour", f"download('bravo') raised ValueError, but download_all returned {t.show(got)}: the error "
                            "was swallowed. Only network errors (ConnectionError) mean \"offline\"; anything else is "
                            "a bug the caller must hear about, in the ExceptionGroup the TaskGroup raises.")
    elif not any(leaf in ours for leaf in leaves(error)):
        raise error
    else:
        t.passed("behaviour")
    judge_cancellation(t, download, first_failure(download), returned_at)


@scenario("a network error and another error at the same moment, under every schedule", explore=True)
async def both(t: Trial) -> None:
    names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    download, got, error = await run(t, names, {"charlie": (0.2, ConnectionError), "foxtrot": (0.2, ValueError)})
    returned_at = t.now
    ours = raised_by_grader(download)
    others = [e for e in ours if not isinstance(e, ConnectionError)]
    network = [e for e in ours if isinstance(e, ConnectionError)]
    came_out = leaves(error) if error is not None else []
    if error is not None and not any(leaf in ours for leaf in came_out):
        raise error
    failed_at = first_failure(download)
    happened = " and ".join(f"{type(e).__name__} ({e})" for e in ours) or "nothing"
    if others:
        t.expect("behaviour", error is not None and all(e in came_out for e in others) and not any(e in came_out for e in network),
                 f"downloads raised {happened} at {failed_at:g} s; the ValueError should come out of download_all (in the "
                 "ExceptionGroup) and the ConnectionError should be handled, but "
                 + (f"download_all returned {t.show(got)}" if error is None else f"what came out was {t.show(came_out)}")
                 + ". Handle just the network part of the group, and let the rest come out (as `except*` does).")
    else:
        t.expect("behaviour", error is None and got is None,
                 f"downloads raised {happened} at {failed_at:g} s (the other failure was cancelled first); download_all should "
                 f"return None, but it {'raised ' + t.show(error) if error is not None else 'returned ' + t.show(got)}.")
    judge_cancellation(t, download, failed_at, returned_at)
