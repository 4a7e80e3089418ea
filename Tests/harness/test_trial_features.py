"""Trial.signal_at, asyncio.Runner's SIGINT handling, Trial.watch_clock, Trial.keep_timeline, fake latencies.

Each test grades a small learner file against a check script written for it, through
grade.py in a child process, as the Swift side would: real signals reach that child.
"""

from __future__ import annotations

import os
import tempfile
import textwrap
import unittest

from support import grade, message, statuses

CHECK_HEADER = """
import asyncio
import signal

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour"]
"""


def grade_with(check: str, learner: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "check.py"), "w", encoding="utf-8") as handle:
            handle.write(textwrap.dedent(CHECK_HEADER) + textwrap.dedent(check))
        return grade("99-signals", textwrap.dedent(learner), lesson_dir=folder)


SERVE_UNTIL_SIGTERM = """
import asyncio
import signal

async def serve():
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    return loop.time()

def main():
    return asyncio.run(serve())
"""


class SignalAt(unittest.TestCase):
    def test_a_real_sigterm_reaches_add_signal_handler_at_its_virtual_time(self) -> None:
        report = grade_with("""
            @scenario("SIGTERM at 2.5 s")
            def term(t: Trial) -> None:
                delivery = t.signal_at(2.5, signal.SIGTERM)
                stopped_at = t.call_sync(t.function("main"))
                t.expect("behaviour", stopped_at == 2.5 and delivery.sent_at == 2.5 and not delivery.killed,
                         f"stopped at {stopped_at}, {delivery!r}")

            @scenario("the handler is gone afterwards")
            def after(t: Trial) -> None:
                t.expect("behaviour", signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
                         f"SIGTERM handler left behind: {signal.getsignal(signal.SIGTERM)!r}")
            """, SERVE_UNTIL_SIGTERM)
        self.assertEqual(report["status"], "pass", report)

    def test_a_signal_the_program_does_not_handle_is_a_kill_and_the_grade_survives(self) -> None:
        report = grade_with("""
            @scenario("SIGTERM with no handler")
            def term(t: Trial) -> None:
                delivery = t.signal_at(1.0, signal.SIGTERM)
                try:
                    t.call_sync(t.function("main"))
                    ended = "returned"
                except RuntimeError as error:
                    ended = str(error)
                t.expect("behaviour", not delivery.killed, f"killed at {delivery.sent_at}: {ended}")
            """, """
            import asyncio

            async def forever():
                await asyncio.sleep(3600)

            def main():
                return asyncio.run(forever())
            """)
        self.assertEqual(statuses(report)["behaviour"], "fail", report)
        self.assertIn("killed at 1.0: Event loop stopped before Future completed", message(report, "behaviour"))

    def test_a_signal_after_the_program_ended_is_never_sent(self) -> None:
        report = grade_with("""
            @scenario("SIGTERM after the end")
            def late(t: Trial) -> None:
                delivery = t.signal_at(50.0, signal.SIGTERM)
                t.call_sync(t.function("main"))
                t.expect("behaviour", delivery.sent_at is None and not delivery.killed, repr(delivery))
            """, """
            import asyncio

            def main():
                return asyncio.run(asyncio.sleep(1))
            """)
        self.assertEqual(report["status"], "pass", report)

    def test_signal_at_refuses_the_harness_alarm(self) -> None:
        report = grade_with("""
            @scenario("SIGALRM")
            def alarm(t: Trial) -> None:
                t.signal_at(1.0, signal.SIGALRM)
            """, "x = 1\n")
        self.assertEqual(report["status"], "error", report)
        self.assertIn("signal_at delivers only", message(report, "run"))


class RunnerInterrupt(unittest.TestCase):
    """SIGINT cancels the main task of the learner's asyncio.run or asyncio.Runner, as asyncio.Runner does."""

    CHECK = """
        @scenario("SIGINT at 1.5 s")
        def interrupt(t: Trial) -> None:
            t.signal_at(1.5, signal.SIGINT)
            try:
                got = t.call_sync(t.function("main"))
            except KeyboardInterrupt:
                got = "KeyboardInterrupt"
            t.fail("behaviour", f"main() gave {got!r}")
        """

    SERVE = """
            import asyncio

            async def serve():
                try:
                    await asyncio.sleep(3600)
                except asyncio.CancelledError:
                    return f"cancelled at {asyncio.get_running_loop().time()}"
        """

    def outcome(self, learner: str) -> str:
        return message(grade_with(self.CHECK, learner), "behaviour")

    def test_asyncio_run_cancels_the_main_task_which_may_finish_gracefully(self) -> None:
        self.assertEqual(self.outcome(self.SERVE + """
            def main():
                return asyncio.run(serve())
            """), "main() gave 'cancelled at 1.5'")

    def test_a_cancellation_that_propagates_becomes_keyboard_interrupt(self) -> None:
        self.assertEqual(self.outcome("""
            import asyncio

            def main():
                return asyncio.run(asyncio.sleep(3600))
            """), "main() gave 'KeyboardInterrupt'")

    def test_an_explicit_runner_behaves_the_same(self) -> None:
        self.assertEqual(self.outcome(self.SERVE + """
            def main():
                with asyncio.Runner() as runner:
                    return runner.run(serve())
            """), "main() gave 'cancelled at 1.5'")

    def test_an_explicit_runner_is_audited_like_asyncio_run(self) -> None:
        report = grade_with("""
            @scenario("a runner that leaks a task")
            def leak(t: Trial) -> None:
                t.expect("behaviour", t.call_sync(t.function("main")) == 2, "main() should return 2")
            """, """
            import asyncio

            async def first():
                asyncio.get_running_loop().create_task(asyncio.sleep(10))
                await asyncio.sleep(1)
                return 1

            async def second():
                await asyncio.sleep(1)
                return 1

            def main():
                with asyncio.Runner() as runner:
                    return runner.run(first()) + runner.run(second())
            """)
        self.assertEqual(statuses(report)["behaviour"], "pass", report)
        self.assertEqual(statuses(report)["leaked-tasks"], "fail", report)
        self.assertIn("asyncio.Runner.run returned", message(report, "leaked-tasks"))


class ClockAndTimeline(unittest.TestCase):
    def test_watch_clock_records_each_wake_up(self) -> None:
        report = grade_with("""
            @scenario("two sleeps and a cancelled timer")
            async def wakes(t: Trial) -> None:
                watch = t.watch_clock()
                cancelled = t.loop.call_later(1.7, lambda: None)
                await t.call(t.function("work"))
                cancelled.cancel()
                await asyncio.sleep(1)
                t.fail("behaviour", f"{watch.times} {watch.unexplained([1.0, 2.5], end=3.0)}")
            """, """
            import asyncio

            async def work():
                await asyncio.sleep(1)
                for _ in range(3):
                    await asyncio.sleep(0.5)
            """)
        self.assertEqual(message(report, "behaviour"), "[1.0, 1.5, 1.7, 2.0, 2.5, 3.5] [1.5, 1.7, 2.0]")

    def test_keep_timeline_attaches_the_scenario_even_when_it_passes(self) -> None:
        report = grade_with("""
            @scenario("attempts, drawn")
            async def drawn(t: Trial) -> None:
                fake = t.fake_async("attempt", latency=0.5)
                await t.call(t.function("work"))
                t.keep_timeline()
                t.passed("behaviour")
            """, """
            import asyncio

            async def attempt():
                pass

            async def work():
                await attempt()
                await asyncio.sleep(1)
                await attempt()
            """)
        self.assertEqual(report["status"], "pass", report)
        self.assertEqual(report["timeline"]["scenario"], "attempts, drawn")
        self.assertEqual([(s["label"], s["start"], s["end"]) for s in report["timeline"]["spans"]],
                         [("attempt()", 0.0, 0.5), ("attempt()", 1.5, 2.0)])

    def test_keep_timeline_can_draw_the_graders_bars_alone(self) -> None:
        # A crawl's picture: the requests the grader's server answered, without a row per worker of the learner's.
        report = grade_with("""
            from asynclings_harness.tracking import Span

            @scenario("requests, drawn")
            async def drawn(t: Trial) -> None:
                async def served() -> None:
                    span = Span("io", "GET /", t.now, None)
                    t.io_span(span)
                    await asyncio.sleep(0.5)
                    span.end = t.now
                t.patch("request", served)
                await t.call(t.function("work"))
                t.keep_timeline(learner_tasks=False)
                t.passed("behaviour")
            """, """
            import asyncio

            async def request():
                pass

            async def work():
                workers = [asyncio.create_task(request()) for _ in range(2)]
                await asyncio.gather(*workers)
            """)
        self.assertEqual(report["status"], "pass", report)
        self.assertEqual([(s["kind"], s["label"]) for s in report["timeline"]["spans"]], [("io", "GET /")] * 2)


class FakeLatency(unittest.TestCase):
    def test_a_latency_function_may_say_a_call_never_answers(self) -> None:
        report = grade_with("""
            @scenario("one call answers, the other never does")
            async def never(t: Trial) -> None:
                fake = t.fake_async("ask", latency=lambda name: None if name == "mute" else 0.5, result="hi")
                got = await t.call(t.function("both"))
                t.fail("behaviour", f"{got} {[(c.args[0], c.end, c.cancelled) for c in fake.calls]}")
            """, """
            import asyncio

            async def ask(name):
                pass

            async def both():
                mute = asyncio.create_task(ask("mute"))
                answer = await ask("loud")
                mute.cancel()
                await asyncio.gather(mute, return_exceptions=True)
                return answer
            """)
        self.assertEqual(message(report, "behaviour"), "hi [('loud', 0.5, False), ('mute', 0.5, True)]")


if __name__ == "__main__":
    unittest.main()
