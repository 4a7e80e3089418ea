"""One bug, one failing check: what the harness could not observe is a skip with the reason,
what only follows from another failure says so, and nothing seen before the budget ran out
is lost (issue 11)."""

from __future__ import annotations

import os
import socket
import unittest

from support import LESSONS, grade, message, statuses

from asynclings_harness import report as R
from asynclings_harness.learner import counted

FETCH_USER = """
import asyncio

async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}
"""


class Secondary(unittest.TestCase):
    """Results.resolve: a failure that follows from another is a skip naming its root."""

    def results(self) -> R.Results:
        return R.Results([R.RUN, R.BEHAVIOUR, R.BLOCKING, R.UNAWAITED, R.LEAKED_TASKS, R.UNRETRIEVED])

    def test_a_consequence_of_a_failure_is_a_skip_that_names_it(self) -> None:
        results = self.results()
        results.failed(R.RUN, "raised TypeError")
        results.failed(R.LEAKED_TASKS, "a task was left running", follows=R.RUN, brief="a task")
        results.resolve()
        self.assertEqual(results.checks[R.LEAKED_TASKS].status, R.SKIP)
        self.assertIn("`run`", results.checks[R.LEAKED_TASKS].message)
        self.assertIn("a task", results.checks[R.LEAKED_TASKS].message)
        self.assertEqual(results.status(), R.FAIL)

    def test_chains_come_down_to_their_root(self) -> None:
        results = self.results()
        results.failed(R.UNAWAITED, "returned an awaitable")
        results.failed(R.UNRETRIEVED, "CancelledError never retrieved", follows=R.LEAKED_TASKS)
        results.failed(R.LEAKED_TASKS, "left running", follows=R.UNAWAITED)
        results.resolve()
        self.assertEqual(results.checks[R.UNRETRIEVED].status, R.SKIP)
        self.assertIn("`unawaited`", results.checks[R.UNRETRIEVED].message)
        self.assertEqual(results.culprit(R.UNRETRIEVED), R.UNAWAITED)

    def test_a_failure_whose_cause_passed_stands_on_its_own(self) -> None:
        results = self.results()
        results.passed(R.UNAWAITED)
        results.failed(R.BEHAVIOUR, "main never ran fetch_data", follows=R.UNAWAITED)
        results.resolve()
        self.assertEqual(results.checks[R.BEHAVIOUR].status, R.FAIL)
        self.assertEqual(results.checks[R.BEHAVIOUR].message, "main never ran fetch_data")

    def test_a_pass_elsewhere_does_not_hide_a_consequence(self) -> None:
        results = self.results()
        results.passed(R.BEHAVIOUR)
        results.failed(R.UNAWAITED, "never awaited")
        results.failed(R.BEHAVIOUR, "nothing was saved", follows=R.UNAWAITED)
        results.resolve()
        self.assertEqual(results.checks[R.BEHAVIOUR].status, R.SKIP)

    def test_a_settled_consequence_is_not_turned_into_a_pass(self) -> None:
        # main.py passes `run` after the verdicts are settled when nothing failed it: a skip
        # that follows from another failure must stay one.
        results = self.results()
        results.failed(R.RUN, "raised TypeError", follows=R.BLOCKING)
        results.failed(R.BLOCKING, "time.sleep on the loop")
        results.resolve()
        results.passed(R.RUN)
        self.assertEqual(results.checks[R.RUN].status, R.SKIP)

    def test_counted_nouns_agree(self) -> None:
        self.assertEqual(counted(1, "fetch", "fetches"), "1 fetch")
        self.assertEqual(counted(3, "fetch", "fetches"), "3 fetches")
        self.assertEqual(counted(0, "task"), "0 tasks")


class CutShort(unittest.TestCase):
    """Scenarios the learner's code cut short, graded end to end."""

    def test_a_check_passed_elsewhere_is_not_a_pass_when_a_scenario_raised(self) -> None:
        # fetch_user is right (behaviour passes in its own scenario); fetch_all_users raises.
        report = grade("02-gather", FETCH_USER + "\nasync def fetch_all_users(user_ids):\n    raise KeyError(user_ids[0])\n")
        self.assertEqual(statuses(report)["run"], "fail")
        self.assertEqual(statuses(report)["behaviour"], "skip", report)
        self.assertIn("KeyError", message(report, "behaviour"))

    def test_gather_given_a_list_is_explained_and_its_unawaited_coroutines_follow_from_it(self) -> None:
        report = grade("02-gather", FETCH_USER + "\nasync def fetch_all_users(user_ids):\n"
                       "    return list(await asyncio.gather([fetch_user(u) for u in user_ids]))\n")
        checks = statuses(report)
        self.assertEqual(checks["run"], "fail")
        self.assertIn("spread the list", message(report, "run"))
        self.assertEqual(checks["unawaited"], "skip", report)
        self.assertIn("follows from the `run` failure", message(report, "unawaited"))
        self.assertEqual([c for c, s in checks.items() if s == "fail"], ["run"])

    def test_awaiting_a_plain_value_is_explained_in_every_wording(self) -> None:
        # 3.11-3.13 say "object int can't be used in 'await' expression", 3.14 "'int' object can't be awaited".
        report = grade("02-gather", FETCH_USER + "\nasync def fetch_all_users(user_ids):\n    return await len(user_ids)\n")
        self.assertEqual(statuses(report)["run"], "fail")
        self.assertIn("`await` was given a plain value", message(report, "run"))

    def test_returning_an_awaitable_is_one_unawaited_failure(self) -> None:
        report = grade("02-gather", FETCH_USER + "\nasync def fetch_all_users(user_ids):\n"
                       "    return asyncio.gather(*(fetch_user(u) for u in user_ids))\n")
        checks = statuses(report)
        self.assertEqual([c for c, s in checks.items() if s == "fail"], ["unawaited"], report)
        self.assertIn("returned <_GatheringFuture", message(report, "unawaited"))
        self.assertEqual(checks["leaked-tasks"], "skip")
        self.assertNotEqual(checks["behaviour"], "pass")

    def test_a_blocking_call_seen_before_the_budget_ran_out_is_reported(self) -> None:
        # A request to a server that accepts but never answers: urllib blocks the loop for good.
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(8)
            port = server.getsockname()[1]
            report = grade("02-gather", f"""
                import asyncio
                import urllib.request

                async def fetch_user(user_id):
                    urllib.request.urlopen("http://127.0.0.1:{port}/users", timeout=60).read()
                    return {{}}

                async def fetch_all_users(user_ids):
                    return list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))
            """, budget=1.0)
        checks = statuses(report)
        self.assertEqual(checks["blocking"], "fail", report)
        self.assertIn("urllib", message(report, "blocking"))
        self.assertEqual(checks["time-limit"], "skip")
        self.assertIn("follows from the `blocking` failure", message(report, "time-limit"))
        self.assertEqual(checks["unawaited"], "skip")  # the rest of the grade never ran
        self.assertEqual(report["status"], "fail")

    def test_a_cpu_loop_is_still_a_time_limit_of_its_own(self) -> None:
        report = grade("02-gather", "import asyncio\n\nasync def fetch_user(u):\n    while True:\n        pass\n\n"
                       "async def fetch_all_users(ids):\n    return []\n", budget=1.0)
        self.assertEqual(statuses(report)["time-limit"], "fail")
        # Nothing blocked before time ran out, but the rest of the grade never ran: not a pass either.
        self.assertEqual(statuses(report)["blocking"], "skip")
        self.assertIn("not fully judged", message(report, "blocking"))


class WhatTheLearnerSees(unittest.TestCase):
    def test_printed_output_names_the_graders_stand_ins(self) -> None:
        report = grade("01-first-coroutine", path=os.path.join(LESSONS, "01-first-coroutine", "wrong", "no-delay.py"))
        self.assertIn("fetch_data: the grader's stand-in", report.get("output", ""))

    def test_a_blocking_call_on_the_loop_shares_the_row_of_the_task_that_made_it(self) -> None:
        report = grade("07-blocking-calls", path=os.path.join(LESSONS, "07-blocking-calls", "wrong", "async-wrapper.py"))
        calls = [s for s in report["timeline"]["spans"] if s["kind"] == "io"]
        self.assertTrue(calls)
        self.assertTrue(all(s["task"] == "lookup_one" for s in calls), calls)


if __name__ == "__main__":
    unittest.main()
