"""Grades 10-testing-async: the learner's tests pass on the correct subject and fail on every mutant.

Each mutant is subject.py with one passage replaced; its `behaviour` and `hint`
are what the learner reads when no test notices it.

Each sentence of the lesson's "Your exercise", and what enforces it (every mutant breaks
one sentence of the subject's contract; a wrong variant lets it through):

- write tests, each `async def test_...` marked `@pytest.mark.asyncio`: the tests run with
  pytest-asyncio in strict mode — wrong/missing-marker.py.
- ...that await what they test: a never-awaited call is the generic `unawaited` check —
  wrong/forgot-await.py.
- they pass on the correct subject: the run against subject.py — wrong/expects-the-wrong-thing.py.
- until every broken version is caught, one per sentence of the subject's contract:
  - fetch_data takes 1 second: ignores-delay — wrong/no-timing.py;
  - ...and returns {"url": url, "data": <text>}: wrong-value, missing-key — wrong/not-none-only.py;
  - slow_operation returns f"Completed after {delay}s": wrong-message — wrong/not-none-only.py;
  - with_timeout returns the result if it arrives within the limit: returns-early —
    wrong/no-edge-cases.py;
  - otherwise None at the limit: never-times-out, raises-on-timeout — wrong/only-in-time.py;
  - with the slow operation cancelled: leaks-the-task — wrong/no-cancellation-check.py.

Timing assertions in the reference tests carry a tolerance, so they also pass under plain
`pytest` on a real clock (Tests/harness/test_lesson_10_plain_pytest.py).
"""

import os

from asynclings_harness import Trial, scenario
from asynclings_harness.mutants import Mutant  # its own module: it is only loaded for testing lessons

CHECKS = ["tests-catch-mutants"]
IMPORT_LEARNER = False  # the learner's file is a pytest module: the test runner imports it
REFERENCE = os.path.join(os.path.dirname(__file__), "subject.py")

FETCH = '    await asyncio.sleep(1)\n    return {"url": url, "data": "result"}'
WAIT_FOR = "        return await asyncio.wait_for(slow_operation(delay), timeout=limit)"
WITH_TIMEOUT_BODY = WAIT_FOR + "\n    except TimeoutError:\n        return None"

MUTANTS = [
    Mutant("wrong-value", "fetch_data answers with a different 'url' than the one it was asked for",
           "Check the 'url' in fetch_data's answer.",
           FETCH, '    await asyncio.sleep(1)\n    return {"url": "https://example.invalid/", "data": "result"}'),
    Mutant("missing-key", "fetch_data's answer has no 'data' key",
           "Check everything fetch_data's answer should contain.",
           FETCH, '    await asyncio.sleep(1)\n    return {"url": url}'),
    Mutant("ignores-delay", "fetch_data answers at once instead of after 1 second",
           "Time the call on the event loop's clock (`loop.time()` before and after) and assert how long it took, "
           "with a small tolerance (`pytest.approx(1.0, abs=0.1)`); or record the delay it asks `asyncio.sleep` for.",
           FETCH, '    return {"url": url, "data": "result"}'),
    Mutant("wrong-message", "slow_operation's message names a different delay than the one it waited",
           "Check slow_operation's (or with_timeout's) exact result.",
           'return f"Completed after {delay}s"', 'return f"Completed after {delay + 1}s"'),
    Mutant("never-times-out", "with_timeout waits for the slow operation however long it takes",
           "Call with_timeout with a delay longer than the limit and check what it returns.",
           WITH_TIMEOUT_BODY, "        return await slow_operation(delay)\n    finally:\n        pass"),
    Mutant("returns-early", "with_timeout gives up at half its limit",
           "Try an operation that finishes shortly before the limit, or time when with_timeout gives up.",
           WAIT_FOR, "        return await asyncio.wait_for(slow_operation(delay), timeout=limit / 2)"),
    Mutant("raises-on-timeout", "with_timeout lets TimeoutError escape instead of returning None",
           "Check that with_timeout returns None when the limit passes.",
           WITH_TIMEOUT_BODY, WAIT_FOR + "\n    finally:\n        pass"),
    Mutant("leaks-the-task", "with_timeout returns None at the limit but leaves the slow operation running",
           "After a timeout, check that the slow operation was cancelled (replace it with a stand-in using "
           "`monkeypatch.setattr(subject, \"slow_operation\", ...)`) or that no task is left running "
           "(`asyncio.all_tasks()`).",
           WITH_TIMEOUT_BODY,
           "        task = asyncio.ensure_future(slow_operation(delay))\n"
           "        done, _ = await asyncio.wait({task}, timeout=limit)\n"
           "        return task.result() if done else None\n"
           "    finally:\n        pass"),
]


@scenario("your tests pass on the correct subject and fail on every broken one")
def tests_catch_mutants(t: Trial) -> None:
    t.tests_catch_mutants(REFERENCE, MUTANTS)
