"""Child processes on the virtual clock (children.py, child.py): real processes, exact virtual times.

A child runs in real time; the clock must keep still while it works, move on while it
sleeps on the virtual clock or waits for a full pipe to be read, and hand its exit status
to asyncio at a point that does not depend on how fast it died.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import unittest

from support import run_on_virtual_clock as run  # also puts the harness on sys.path
from asynclings_harness import children as C
from asynclings_harness.clock import LoopAborted, VirtualClockLoop

PIPE = asyncio.subprocess.PIPE
BIG = ("e" * 999 + "\n", 300)  # 300 KB: more than a pipe (64 KiB) and a paused reader's buffer (128 KiB) hold


async def spawn(*steps):
    return await asyncio.create_subprocess_exec(*C.command(steps), stdout=PIPE, stderr=PIPE)


@unittest.skipUnless(sys.platform.startswith("linux") and hasattr(os, "waitid"), "pipes and waitid as on Linux")
class ChildrenOnVirtualTime(unittest.TestCase):
    def test_output_and_exit_code_arrive_after_exactly_the_virtual_sleeps(self) -> None:
        async def main():
            loop = asyncio.get_running_loop()
            proc = await spawn(("out", "hello\n"), ("sleep", 0.5), ("err", *BIG), ("out", "o" * 99 + "\n", 3000),
                               ("sleep", 0.25), ("exit", 3))
            out, err = await asyncio.wait_for(proc.communicate(), 10)
            return len(out), len(err), proc.returncode, loop.time()

        for _ in range(5):
            self.assertEqual(run(main), (6 + 300_000, 300_000, 3, 0.75))

    def test_a_timeout_fires_at_its_virtual_deadline_while_the_child_sleeps(self) -> None:
        async def main():
            loop = asyncio.get_running_loop()
            proc = await spawn(("out", "started\n"), ("sleep", 60))
            try:
                await asyncio.wait_for(proc.communicate(), 2.0)
            except TimeoutError:
                fired = loop.time()
            proc.kill()
            await proc.wait()
            record = loop.children.records[0]
            return fired, loop.time(), proc.returncode, record.collected, record.doing_when_signalled

        self.assertEqual(run(main), (2.0, 2.0, -9, True, "asleep"))

    def test_the_clock_keeps_still_while_a_child_that_never_reports_is_working(self) -> None:
        # /bin/sh says nothing to the clock: it is busy until it exits, so a timer due
        # in a virtual millisecond does not fire during its real tens of milliseconds.
        script = "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo $i"

        async def main():
            loop = asyncio.get_running_loop()
            proc = await asyncio.create_subprocess_exec("/bin/sh", "-c", script, stdout=PIPE)
            out, _ = await asyncio.wait_for(proc.communicate(), 0.001)
            return out, proc.returncode, loop.time()

        self.assertEqual(run(main), (b"20000\n", 0, 0.0))

    def test_reading_one_pipe_to_the_end_first_times_out_with_the_child_stuck_on_the_other(self) -> None:
        async def main():
            loop = asyncio.get_running_loop()
            proc = await spawn(("err", *BIG), ("out", "done\n"))
            try:
                async with asyncio.timeout(5):
                    await proc.stdout.read()
            except TimeoutError:
                fired = loop.time()
            proc.kill()
            await proc.communicate()  # reads what is left, so the pipes reach their end and wait() can finish
            return fired, proc.returncode, loop.children.records[0].doing_when_signalled

        fired, code, doing = run(main)
        self.assertEqual((fired, code), (5.0, -9))
        self.assertIn("blocked writing to its stderr", doing)

    def test_the_pipe_deadlock_without_a_timeout_is_a_deadlock_that_names_the_stuck_child(self) -> None:
        async def main():
            proc = await spawn(("err", *BIG), ("out", "done\n"))
            await proc.wait()  # nobody reads: the child fills stderr and waits forever

        with self.assertRaises(LoopAborted) as caught:
            run(main)
        self.assertEqual(caught.exception.kind, "deadlock")
        self.assertIn("is blocked writing to its stderr", caught.exception.detail)

    def test_a_killed_child_is_reaped_only_when_someone_waits_for_it(self) -> None:
        async def main():
            loop = asyncio.get_running_loop()
            proc = await spawn(("sleep", 30))
            proc.kill()
            await asyncio.sleep(0)  # a turn of the loop, however fast the child dies
            record = loop.children.records[0]
            before = record.collected, proc.returncode
            await proc.wait()
            return before, (record.collected, proc.returncode, record.running())

        for _ in range(5):
            self.assertEqual(run(main), ((False, None), (True, -9, False)))

    def test_a_child_left_running_is_killed_and_reaped_when_its_loop_closes(self) -> None:
        loop = VirtualClockLoop()

        async def main():
            await spawn(("sleep", 30))

        run(main, loop)
        record = loop.children.records[0]
        self.assertTrue(record.killed_at_shutdown)
        self.assertEqual(record.returncode, -9)
        with self.assertRaises(ChildProcessError):
            os.waitpid(record.pid, os.WNOHANG)

    def test_a_child_no_loop_started_is_not_kept_waiting(self) -> None:
        # subprocess.run in a worker thread: no ledger counts this child, so its virtual
        # sleeps end at once instead of waiting for a clock that is not counting it.
        async def main():
            return await asyncio.to_thread(subprocess.run, C.command([("sleep", 30), ("out", "ok\n")]),
                                           capture_output=True, timeout=20)

        done = run(main)
        self.assertEqual(done.stdout, b"ok\n")
        self.assertTrue(C.PORT.strangers)

    def test_the_program_sleeps_in_real_time_outside_a_grade(self) -> None:
        steps = '[["out", "a"], ["sleep", 0.01], ["exit", 2]]'
        done = subprocess.run([sys.executable, "-I", "-S", C.CHILD_PROGRAM, "", steps], capture_output=True, timeout=20)
        self.assertEqual((done.stdout, done.returncode), (b"a", 2))


if __name__ == "__main__":
    unittest.main()
