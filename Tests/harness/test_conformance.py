"""The harness's conformance tests (conformance.py): they pass here, and each catches what it is for."""

from __future__ import annotations

import asyncio
import heapq
import json
import os
import re
import subprocess
import sys
import textwrap
import unittest
from typing import Any
from unittest import mock

from support import HARNESS, ROOT

from asynclings_harness import conformance as C
from asynclings_harness.clock import VirtualClockLoop


def run_suite(*arguments: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``grade.py --conformance`` on this interpreter, as the Swift side runs it."""
    result = subprocess.run([sys.executable, "-s", "-P", os.path.join(HARNESS, "grade.py"), "--conformance", *arguments],
                            capture_output=True, text=True, timeout=60, env=env)
    return json.loads(result.stdout)


def outcome(name: str) -> dict[str, Any]:
    test = next(t for t in C.TESTS if t.name == name)
    return test.run()


class ThisPython(unittest.TestCase):
    def test_every_test_passes_and_the_report_names_the_interpreter(self) -> None:
        results = run_suite()
        failed = [t for t in results["tests"] if not t["passed"]]
        self.assertEqual(failed, [])
        self.assertTrue(results["passed"])
        self.assertEqual(results["python"], sys.version.split()[0])
        self.assertEqual({t["name"] for t in results["tests"]},
                         {"loop-internals", "ready-queue", "timers", "cancellation", "task-group", "deadlock",
                          "to-thread", "task-factory", "task-steps", "audit-events"})

    def test_the_tested_range_is_read_from_the_file_the_swift_side_reads(self) -> None:
        with open(os.path.join(HARNESS, "tested-pythons.json"), encoding="utf-8") as handle:
            data = json.load(handle)
        first, last = C.tested_pythons()
        self.assertEqual(f"{first[0]}.{first[1]}", data["first"])
        self.assertEqual(f"{last[0]}.{last[1]}", data["last"])
        results = run_suite()
        self.assertEqual(results["tested"], f"{data['first']}-{data['last']}")
        self.assertEqual(results["in_tested_range"], first <= sys.version_info[:2] <= last)

    def test_the_readme_names_the_tested_range(self) -> None:
        first, last = C.tested_pythons()
        versions = [f"{first[0]}.{minor}" for minor in range(first[1], last[1] + 1)]
        named = ", ".join(versions[:-1]) + " and " + versions[-1]
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
            readme = re.sub(r"\s+", " ", handle.read())
        self.assertIn(f"Python {named} are supported and tested", readme)


class EachTestCatchesItsDifference(unittest.TestCase):
    """A Python that behaved differently, simulated by changing the harness or asyncio in this process."""

    def test_a_copy_of_run_once_that_runs_due_timers_first_is_caught(self) -> None:
        def poll_timers_first(loop: VirtualClockLoop) -> None:
            original(loop)
            due = [h for h in loop._ready if isinstance(h, asyncio.TimerHandle)]
            for handle in due:
                loop._ready.remove(handle)
            loop._ready.extendleft(reversed(due))

        original = VirtualClockLoop._poll
        with mock.patch.object(VirtualClockLoop, "_poll", poll_timers_first):
            result = outcome("timers")
        self.assertFalse(result["passed"])
        self.assertEqual(result["what"], "the order timers run in (the virtual clock's copy of _run_once)")
        self.assertIn("'soon', 'due now'", result["expected"])
        self.assertIn("'due now', 'soon'", result["seen"])

    def test_a_copy_that_forgets_cancelled_timers_is_caught(self) -> None:
        def poll_without_dropping(loop: VirtualClockLoop) -> None:
            # The stock loop drops cancelled timers at the head of the heap; this copy keeps them.
            heapq.heapify(loop._scheduled)
            loop._selector.select(0 if loop._ready or loop._stopping else None)
            end = loop.time() + loop._clock_resolution
            while loop._scheduled and loop._scheduled[0]._when < end:
                handle = heapq.heappop(loop._scheduled)
                handle._scheduled = False
                loop._ready.append(handle)

        with mock.patch.object(VirtualClockLoop, "_poll", poll_without_dropping):
            result = outcome("timers")
        self.assertFalse(result["passed"])
        self.assertIn("copy of _run_once", result["what"])
        self.assertIn("('cancelled timers left', 0, 0)", result["expected"])
        self.assertIn("('cancelled timers left', 1, 0)", result["seen"])

    def test_a_task_made_without_loop_create_task_is_caught(self) -> None:
        def ensure_future_directly(coro: Any, *, loop: Any = None) -> asyncio.Task[Any]:
            return asyncio.Task(coro, loop=loop or asyncio.get_running_loop())

        with mock.patch.object(asyncio, "ensure_future", ensure_future_directly):
            result = outcome("task-factory")
        self.assertFalse(result["passed"])
        self.assertEqual(result["what"], "the tasks the recorder saw")
        self.assertIn("'ensured'", result["expected"])
        self.assertNotIn("'ensured'", result["seen"])

    def test_a_changed_loop_field_is_named(self) -> None:
        def init_without_resolution(loop: VirtualClockLoop) -> None:
            original(loop)
            loop._clock_resolution = None

        original = VirtualClockLoop.__init__
        with mock.patch.object(VirtualClockLoop, "__init__", init_without_resolution):
            result = outcome("loop-internals")
        self.assertFalse(result["passed"])
        self.assertIn("'_clock_resolution': 'float'", result["expected"])
        self.assertIn("'_clock_resolution': 'NoneType'", result["seen"])

    def test_a_to_thread_job_the_clock_does_not_count_is_caught(self) -> None:
        def uncounted(loop: VirtualClockLoop, future: Any) -> None:
            return None

        with mock.patch.object(VirtualClockLoop, "count_thread_job", uncounted):
            result = outcome("to-thread")
        self.assertFalse(result["passed"])
        self.assertEqual((result["what"], result["expected"], result["seen"]),
                         ("executor jobs the clock counts while a to_thread job runs", "1", "0"))

    def test_an_audit_event_that_does_not_fire_is_named_with_its_call(self) -> None:
        # In a child process: an audit hook, once added, stays for the life of the process.
        script = textwrap.dedent(f"""
            import json, sys
            sys.path.insert(0, {HARNESS!r})
            from asynclings_harness import conformance as C
            actual = C._audited_actions
            C._audited_actions = lambda: actual() + [("open", "a call that opens nothing", lambda: None)]
            print(json.dumps(next(t for t in C.TESTS if t.name == "audit-events").run()))
        """)
        result = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                           timeout=60).stdout)
        self.assertFalse(result["passed"])
        self.assertEqual(result["seen"], "['open (from a call that opens nothing)']")

    def test_an_error_inside_a_test_is_a_difference_not_a_crash(self) -> None:
        def broken() -> None:
            raise AttributeError("'VirtualClockLoop' object has no attribute '_ready'")

        result = C.Test("broken", "raises", broken).run()
        self.assertEqual((result["passed"], result["expected"]), (False, "no error"))
        self.assertEqual(result["seen"], "AttributeError: 'VirtualClockLoop' object has no attribute '_ready'")


if __name__ == "__main__":
    unittest.main()
