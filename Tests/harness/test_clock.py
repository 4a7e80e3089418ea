"""The virtual clock: exact times, deadlock and livelock detection, threads on virtual time."""

from __future__ import annotations

import asyncio
import sys
import time
import unittest

import support  # also puts the harness on sys.path
from asynclings_harness.clock import LoopAborted, VirtualClockLoop
from asynclings_harness.explore import Schedule


def run(coro_factory, *, deadline: float = float("inf")):
    loop = VirtualClockLoop()
    loop.deadline = deadline
    try:
        result = loop.run_until_complete(coro_factory())
        return result, loop.time()
    finally:
        shut_down(loop)


def shut_down(loop: VirtualClockLoop) -> None:
    """Cancels what is left and lets it finish, as asyncio.run does, so that no task is
    destroyed pending; a loop that stopped on its deadline gets a fresh one for this."""
    loop.deadline = loop.time() + 60.0
    loop.turn_budget = loop.turns + 200_000
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    try:
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    finally:
        loop.close()


class VirtualTime(unittest.TestCase):
    def test_gather_of_sleeps_takes_the_longest(self) -> None:
        async def main():
            await asyncio.gather(*(asyncio.sleep(5) for _ in range(100)))
        _, now = run(main)
        self.assertEqual(now, 5.0)  # exactly: a real clock would drift

    def test_sequential_sleeps_add_up_exactly(self) -> None:
        async def main():
            for _ in range(100):
                await asyncio.sleep(0.1)
        _, now = run(main)
        self.assertAlmostEqual(now, 10.0, places=9)

    def test_wait_for_times_out_at_the_limit(self) -> None:
        async def main():
            try:
                await asyncio.wait_for(asyncio.sleep(10), 3)
            except TimeoutError:
                return asyncio.get_running_loop().time()
        at, _ = run(main)
        self.assertEqual(at, 3.0)

    def test_timeout_context_manager(self) -> None:
        async def main():
            try:
                async with asyncio.timeout(2):
                    await asyncio.sleep(5)
            except TimeoutError:
                return asyncio.get_running_loop().time()
        at, _ = run(main)
        self.assertEqual(at, 2.0)

    @unittest.skipUnless(sys.version_info >= (3, 14), "create_task takes eager_start from 3.14 on")
    def test_an_eagerly_started_task_is_made_and_recorded(self) -> None:
        # aiohttp's server starts each connection's handler with asyncio.create_task(..., eager_start=True).
        loop = VirtualClockLoop()
        made = []
        loop.on_task_created = lambda task: made.append(task.get_coro().__qualname__.rpartition(".")[2])

        async def handler():
            await asyncio.sleep(1)
            return "answered"

        async def main():
            return await asyncio.create_task(handler(), eager_start=True)

        try:
            self.assertEqual(loop.run_until_complete(main()), "answered")
        finally:
            loop.close()
        self.assertEqual(made, ["main", "handler"])

    def test_semaphore_bounds_and_time(self) -> None:
        peak = 0
        running = 0

        async def job(sem):
            nonlocal peak, running
            async with sem:
                running += 1
                peak = max(peak, running)
                await asyncio.sleep(1)
                running -= 1

        async def main():
            sem = asyncio.Semaphore(10)
            await asyncio.gather(*(job(sem) for _ in range(100)))
        _, now = run(main)
        self.assertEqual((peak, now), (10, 10.0))

    def test_to_thread_with_time_sleep_is_virtual_when_instrumented(self) -> None:
        # Without the instrumentation time.sleep is real; the loop waits for the thread
        # without moving the clock, so only the asyncio.sleep counts.
        async def main():
            await asyncio.gather(asyncio.to_thread(time.sleep, 0.05), asyncio.sleep(100))
        _, now = run(main)
        self.assertEqual(now, 100.0)

    def test_thread_sleep_parks_on_virtual_time(self) -> None:
        async def main():
            loop = asyncio.get_running_loop()
            await asyncio.gather(*(loop.run_in_executor(None, loop.thread_sleep, 2.0) for _ in range(4)))
        _, now = run(main)
        self.assertEqual(now, 2.0)


class Stuck(unittest.TestCase):
    def test_deadlock_is_detected_with_the_waiting_task(self) -> None:
        async def waiter(event):
            await event.wait()

        async def main():
            event = asyncio.Event()
            await asyncio.create_task(waiter(event))
        with self.assertRaises(LoopAborted) as caught:
            run(main)
        self.assertEqual(caught.exception.kind, "deadlock")
        functions = [frame[2] for stack in caught.exception.stacks for frame in stack.frames]
        self.assertTrue(any(name.endswith("waiter") for name in functions), functions)

    def test_a_stuck_loop_is_shut_down_without_destroying_pending_tasks(self) -> None:
        # asyncio says "Task was destroyed but it is pending!" when a task is collected,
        # which may be at interpreter exit: run the stuck tests in a process of their own.
        stuck = [f"test_clock.Stuck.{name}" for name in (
            "test_deadlock_is_detected_with_the_waiting_task", "test_livelock_is_a_time_limit",
            "test_virtual_deadline_is_a_time_limit")]
        done = support.run_tests_apart(*stuck)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn("Task was destroyed", done.stderr)

    def test_livelock_is_a_time_limit(self) -> None:
        async def main():
            while True:
                await asyncio.sleep(0)
        with self.assertRaises(LoopAborted) as caught:
            run(main)
        self.assertEqual(caught.exception.kind, "time-limit")

    def test_virtual_deadline_is_a_time_limit(self) -> None:
        async def main():
            while True:
                await asyncio.sleep(1)
        with self.assertRaises(LoopAborted) as caught:
            run(main, deadline=50)
        self.assertEqual(caught.exception.kind, "time-limit")

    def test_busy_wait_still_sees_time_pass(self) -> None:
        async def main():
            done = False

            async def later():
                nonlocal done
                await asyncio.sleep(1)
                done = True
            task = asyncio.create_task(later())
            while not done:
                await asyncio.sleep(0)
            await task
        _, now = run(main)
        self.assertEqual(now, 1.0)

    def test_a_timer_re_armed_for_now_still_sees_time_pass(self) -> None:
        # A wait that rounds to nothing (5.0 + 1e-17 == 5.0) re-arms a timer that is already due;
        # on a real clock the next look at the time has moved on, so the loop below ends.
        async def main():
            loop = asyncio.get_running_loop()
            await asyncio.sleep(5)
            while loop.time() == 5.0:
                await asyncio.sleep(1e-17)
        _, now = run(main)
        self.assertGreater(now, 5.0)
        self.assertLess(now, 5.0 + 1e-5)

    def test_re_arming_for_now_moves_the_clock_a_little_whatever_the_schedule(self) -> None:
        # Under an explored schedule the due timer may already have fired when the loop notices
        # the spin: the clock must still creep on, not jump to the next timer (6 s here).
        async def main(extra_turns: int):
            loop = asyncio.get_running_loop()
            await asyncio.sleep(5)
            later = loop.call_later(1.0, lambda: None)
            for _ in range(extra_turns):  # shifts which step of the spin the loop notices it at
                await asyncio.sleep(0)
            while loop.time() == 5.0:
                await asyncio.sleep(1e-17)
            later.cancel()
            return loop.time()
        for seed in range(1, 4):
            for extra_turns in range(4):
                loop = VirtualClockLoop()
                loop.schedule = Schedule(seed)
                try:
                    moved_to = loop.run_until_complete(main(extra_turns))
                finally:
                    loop.close()
                self.assertLess(moved_to, 5.0 + 1e-5, f"schedule {seed}, {extra_turns} extra turns")


if __name__ == "__main__":
    unittest.main()
