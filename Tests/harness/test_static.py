"""The static pass: each rule's true positives (at the right line), and code it must leave alone.

Run from the repository root: ``python -m unittest discover -s Tests/harness``
"""

from __future__ import annotations

import os
import sys
import textwrap
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "Grading", "harness"))

from asynclings_harness import static  # noqa: E402
from asynclings_harness.static import (  # noqa: E402
    BLOCKING_CALL, DANGLING_TASK, SWALLOWED_CANCELLATION, UNAWAITED_COROUTINE, analyse)


def found(source: str) -> list[tuple[str, int]]:
    """(rule, line) of every finding; line 1 is the first line after the dedent."""
    return [(f.rule, f.line) for f in analyse(textwrap.dedent(source).lstrip("\n"))]


class BlockingCalls(unittest.TestCase):
    def test_known_blocking_calls_in_async_def(self) -> None:
        source = """
            import time, subprocess, requests, urllib.request
            async def f():
                time.sleep(1)
                open("x").read()
                subprocess.run(["ls"])
                requests.get("http://x")
                input()
                urllib.request.urlopen("http://x")
        """
        self.assertEqual(found(source), [(BLOCKING_CALL, n) for n in range(3, 9)])

    def test_names_resolve_through_imports(self) -> None:
        source = """
            from time import sleep
            import time as t
            async def f():
                sleep(1)
                t.sleep(2)
        """
        self.assertEqual(found(source), [(BLOCKING_CALL, 4), (BLOCKING_CALL, 5)])

    def test_local_plain_function_that_blocks(self) -> None:
        source = """
            import time
            def legacy(key):
                time.sleep(0.2)
                return key
            def wrapper(key):
                return legacy(key)
            async def lookup(key):
                return wrapper(key)
        """
        findings = analyse(textwrap.dedent(source).lstrip("\n"))
        self.assertEqual([(f.rule, f.line, f.function) for f in findings], [(BLOCKING_CALL, 8, "lookup")])
        self.assertIn("wrapper()", findings[0].message)
        self.assertIn("asyncio.to_thread", findings[0].message)

    def test_leaves_alone_sync_code_threads_and_function_references(self) -> None:
        source = """
            import asyncio, time
            def legacy(key):
                time.sleep(0.2)
                return key
            async def good(keys):
                await asyncio.sleep(1)
                await asyncio.to_thread(time.sleep, 1)
                await asyncio.to_thread(legacy, "k")
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, lambda: time.sleep(1))
                def in_thread():
                    time.sleep(1)
                await asyncio.to_thread(in_thread)
            time.sleep(0)
        """
        self.assertEqual(found(source), [])

    def test_shadowed_names_are_not_the_blocking_ones(self) -> None:
        source = """
            def open(path):
                return path
            async def f():
                return open("x")
        """
        self.assertEqual(found(source), [])

    def test_blocking_call_passed_as_an_argument_is_still_made_here(self) -> None:
        source = """
            import asyncio, time
            async def f():
                await asyncio.to_thread(time.sleep(1))
        """
        self.assertEqual(found(source), [(BLOCKING_CALL, 3)])


class UnawaitedCoroutines(unittest.TestCase):
    def test_bare_calls_to_coroutine_functions(self) -> None:
        source = """
            import asyncio
            async def save(r):
                await asyncio.sleep(0.01)
            async def save_all(rs):
                for r in rs:
                    save(r)
                asyncio.sleep(1)
                [save(r) for r in rs]
            save(1)
        """
        self.assertEqual(found(source), [(UNAWAITED_COROUTINE, n) for n in (6, 7, 8, 9)])

    def test_assigned_and_never_used(self) -> None:
        source = """
            async def save(r): ...
            async def f():
                pending = save(1)
                return 0
        """
        findings = analyse(textwrap.dedent(source).lstrip("\n"))
        self.assertEqual([(f.rule, f.line, f.function) for f in findings], [(UNAWAITED_COROUTINE, 3, "f")])
        self.assertIn("pending = await save(...)", findings[0].message)

    def test_methods_of_the_same_class(self) -> None:
        source = """
            class Store:
                async def save(self, r): ...
                async def save_all(self, rs):
                    for r in rs:
                        self.save(r)
        """
        self.assertEqual(found(source), [(UNAWAITED_COROUTINE, 5)])

    def test_leaves_alone_awaited_passed_returned_and_used(self) -> None:
        source = """
            import asyncio
            async def save(r): ...
            async def f(rs):
                await save(1)
                x = save(2)
                await x
                coros = [save(r) for r in rs]
                await asyncio.gather(*coros)
                task = asyncio.create_task(save(3))
                await task
                return save(4)
            def sync_bridge():
                return asyncio.run(save(5))
            async def nested():
                c = save(6)
                async def later():
                    await c
                await later()
            async def unknown():
                other_module_function()
        """
        self.assertEqual(found(source), [])


class DanglingTasks(unittest.TestCase):
    def test_task_results_thrown_away(self) -> None:
        source = """
            import asyncio
            async def work(): ...
            async def f(loop):
                asyncio.create_task(work())
                asyncio.ensure_future(work())
                asyncio.gather(work(), work())
                loop.create_task(work())
                asyncio.get_running_loop().create_task(work())
                kept = asyncio.create_task(work())
        """
        self.assertEqual(found(source), [(DANGLING_TASK, n) for n in (4, 5, 6, 7, 8, 9)])

    def test_task_groups_and_kept_tasks_are_fine(self) -> None:
        source = """
            import asyncio
            async def work(): ...
            BACKGROUND = set()
            async def f():
                async with asyncio.TaskGroup() as tg:
                    tg.create_task(work())
                task = asyncio.create_task(work())
                BACKGROUND.add(task)
                task.add_done_callback(BACKGROUND.discard)
                return await asyncio.gather(work())
        """
        self.assertEqual(found(source), [])


class SwallowedCancellation(unittest.TestCase):
    def test_handlers_that_catch_and_do_not_reraise(self) -> None:
        source = """
            import asyncio
            from asyncio import CancelledError
            async def a(log):
                try:
                    await asyncio.sleep(1)
                except asyncio.CancelledError:
                    log.append("cleanup")
            async def b():
                try:
                    await asyncio.sleep(1)
                except:
                    pass
            async def c():
                try:
                    await asyncio.sleep(1)
                except (ValueError, CancelledError):
                    return None
            async def d():
                try:
                    await asyncio.sleep(1)
                except BaseException as error:
                    if isinstance(error, ValueError):
                        raise
        """
        self.assertEqual(found(source), [(SWALLOWED_CANCELLATION, n) for n in (6, 11, 16, 21)])

    def test_replacing_the_cancellation_is_reported_as_such(self) -> None:
        source = """
            import asyncio
            async def f():
                try:
                    await asyncio.sleep(1)
                except asyncio.CancelledError:
                    raise RuntimeError("stopped")
        """
        findings = analyse(textwrap.dedent(source).lstrip("\n"))
        self.assertEqual([(f.rule, f.line) for f in findings], [(SWALLOWED_CANCELLATION, 5)])
        self.assertIn("different exception", findings[0].message)

    def test_escape_from_finally(self) -> None:
        source = """
            import asyncio
            async def f():
                while True:
                    try:
                        await asyncio.sleep(1)
                    finally:
                        break
            async def g():
                try:
                    await asyncio.sleep(1)
                finally:
                    return 1
        """
        self.assertEqual(found(source), [(SWALLOWED_CANCELLATION, 7), (SWALLOWED_CANCELLATION, 12)])

    def test_suppressing_cancellation(self) -> None:
        source = """
            import asyncio, contextlib
            async def f():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.sleep(1)
        """
        self.assertEqual(found(source), [(SWALLOWED_CANCELLATION, 3)])

    def test_correct_cancellation_handling_is_left_alone(self) -> None:
        source = """
            import asyncio, contextlib
            async def reraise(log):
                try:
                    await asyncio.sleep(1)
                except asyncio.CancelledError:
                    log.append("cleanup")
                    raise
            async def reraise_bound():
                try:
                    await asyncio.sleep(1)
                except BaseException as error:
                    if isinstance(error, ValueError):
                        raise
                    raise error
            async def cleanup_in_finally(log):
                try:
                    await asyncio.sleep(1)
                finally:
                    log.append("cleanup")
            async def ordinary_errors():
                try:
                    await asyncio.sleep(1)
                except Exception:
                    return None
            async def earlier_handler_reraises():
                try:
                    await asyncio.sleep(1)
                except asyncio.CancelledError:
                    raise
                except BaseException:
                    return None
            async def collecting_a_cancelled_task(task):
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    pass
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            async def no_await_inside():
                try:
                    x = 1
                except:
                    pass
            def sync_code():
                try:
                    return 1
                except:
                    return 2
            async def loop_in_finally():
                try:
                    await asyncio.sleep(1)
                finally:
                    for i in range(3):
                        if i:
                            break
            async def stop_request_taken_deliberately():
                try:
                    await asyncio.Event().wait()
                except asyncio.CancelledError:
                    asyncio.current_task().uncancel()
                return "shut down"
        """
        self.assertEqual(found(source), [])


class ApplyingFindings(unittest.TestCase):
    """Session.apply_static_findings: failing checks get the line; everything else becomes a note."""

    SOURCE = textwrap.dedent("""
        import asyncio, time
        async def save(r): ...
        async def save_all(rs):
            for r in rs:
                save(r)
            time.sleep(1)
            asyncio.create_task(save(0))
    """).lstrip("\n")

    def session(self):  # type: ignore[no-untyped-def]
        from asynclings_harness.learner import LearnerFile
        from asynclings_harness.session import Session
        learner = LearnerFile("/course/exercises/06-missing-await.py", self.SOURCE.encode())
        self.assertIsNone(learner.compile())
        session = Session("06-missing-await", learner, ["behaviour"])
        session.static_findings = analyse(self.SOURCE)
        return session

    def test_failing_check_gets_file_line_and_explanation(self) -> None:
        from asynclings_harness import report as R
        session = self.session()
        session.results.failed(R.UNAWAITED, "a coroutine was never awaited\nFix: await it.")
        session.apply_static_findings()
        message = session.results.checks[R.UNAWAITED].message
        self.assertIn("Where: 06-missing-await.py:5 (in save_all): `save(r)`: `save(...)` only creates a coroutine", message)
        self.assertNotIn("Fix: `await` it", message)  # the dynamic message has the fix already

    def test_passing_checks_get_notes_and_never_fail(self) -> None:
        from asynclings_harness import report as R
        session = self.session()
        for check in (R.BLOCKING, R.UNAWAITED, R.LEAKED_TASKS, R.BEHAVIOUR):
            session.results.passed(check)
        session.apply_static_findings()
        self.assertEqual(session.results.checks[R.BLOCKING].status, R.PASS)
        self.assertEqual(len(session.notes), 3)
        self.assertTrue(session.notes[1].startswith("06-missing-await.py:6 (in save_all): `time.sleep(1)`: `time.sleep()` blocks"))
        self.assertIn("Fix:", session.notes[1])

    def test_a_line_the_dynamic_check_already_shows_is_not_repeated(self) -> None:
        from asynclings_harness import report as R
        from asynclings_harness.session import Finding
        session = self.session()
        session.add_finding(R.BLOCKING, Finding("time.sleep(1) blocked the event loop thread", 6, "save_all"))
        session.results.failed(R.BLOCKING, "time.sleep(1) blocked the event loop thread, called from line 6")
        session.apply_static_findings()
        self.assertNotIn("Where:", session.results.checks[R.BLOCKING].message)


class Robustness(unittest.TestCase):
    def test_source_that_does_not_parse_has_no_findings(self) -> None:
        self.assertEqual(analyse("def f(:\n"), [])
        self.assertEqual(analyse(b"\x00"), [])

    def test_bytes_and_line_order(self) -> None:
        source = b"import time\nasync def f():\n    time.sleep(1)\n    f()\n"
        self.assertEqual([(f.rule, f.line) for f in analyse(source)], [(BLOCKING_CALL, 3), (UNAWAITED_COROUTINE, 4)])

    def test_every_message_has_an_explanation_and_a_fix(self) -> None:
        source = """
            import asyncio, time, contextlib
            async def work(): ...
            async def f():
                time.sleep(1)
                work()
                pending = work()
                asyncio.create_task(work())
                task = asyncio.create_task(work())
                with contextlib.suppress(asyncio.CancelledError):
                    await work()
                try:
                    await work()
                except asyncio.CancelledError:
                    pass
                try:
                    await work()
                finally:
                    return
        """
        findings = analyse(textwrap.dedent(source).lstrip("\n"))
        self.assertEqual({f.rule for f in findings}, set(static.RULE_CHECKS))
        for finding in findings:
            self.assertIn(" Fix: ", finding.message, finding)
            self.assertNotIn("Fix:", finding.explanation, finding)

    def test_every_rule_maps_to_a_known_check(self) -> None:
        from asynclings_harness.report import ALL_CHECKS
        for rule, check in static.RULE_CHECKS.items():
            self.assertIn(check, ALL_CHECKS, rule)


if __name__ == "__main__":
    unittest.main()
