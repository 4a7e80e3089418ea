"""Worker threads that wait for the grade's loop (lesson 09): the virtual clock must not wait for them.

Each case runs in a fresh interpreter, because the instrumentation patches the process.
Run from the repository root: ``python -m unittest discover -s Tests/harness``
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import unittest

HARNESS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "Grading", "harness"))

PRELUDE = f"""
import asyncio, json, sys, threading, time
sys.path.insert(0, {HARNESS!r})
from asynclings_harness.instrument import Instrumentation
from asynclings_harness.learner import LearnerFile
from asynclings_harness.session import Session

session = Session("test", LearnerFile("/nowhere/learner.py", b""), [])
Instrumentation(session).install()
"""


def run(body: str) -> dict:
    """Runs PRELUDE + body in a fresh interpreter; body prints one JSON object."""
    script = PRELUDE + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-s", "-c", script], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


class WorkerWaitingForTheLoop(unittest.TestCase):
    def test_result_wait_lets_the_clock_move_at_once_and_exactly(self) -> None:
        got = run("""
            def worker(loop):
                return asyncio.run_coroutine_threadsafe(asyncio.sleep(5, result="done"), loop).result()

            async def main():
                loop = asyncio.get_running_loop()
                ticks = []
                async def beat():
                    while True:
                        ticks.append(loop.time())
                        await asyncio.sleep(0.5)
                heartbeat = asyncio.ensure_future(beat())
                answers = await asyncio.gather(*(loop.run_in_executor(None, worker, loop) for _ in range(3)))
                heartbeat.cancel()
                return {"answers": answers, "now": loop.time(), "ticks": len(ticks), "overruns": loop.settle_overruns}

            print(json.dumps(session.run_loop(main(), entry="main")))
        """)
        self.assertEqual(got["answers"], ["done"] * 3)
        self.assertEqual(got["now"], 5.0)
        self.assertEqual(got["ticks"], 11)
        # Without the wait accounting the clock would count the waiting workers as busy, give
        # them THREAD_SETTLE_LIMIT of real time each step, then move on without them.
        self.assertEqual(got["overruns"], 0)

    def test_an_executor_job_waiting_on_an_event_is_waiting_not_busy(self) -> None:
        # concurrent.futures.wait, Event.wait, Queue.get in an executor job wait for someone else,
        # often the loop: counted as busy, the clock would keep still for them (and a grade stall).
        got = run("""
            def worker(event):
                event.wait()
                return "woke"

            async def main():
                loop = asyncio.get_running_loop()
                event = threading.Event()
                job = loop.run_in_executor(None, worker, event)
                await asyncio.sleep(0.1)  # the clock moves only once the worker is waiting
                busy = loop._threads_busy()
                loop.call_soon(event.set)
                return {"busy": busy, "answer": await job, "now": loop.time()}

            print(json.dumps(session.run_loop(main(), entry="main")))
        """)
        self.assertEqual(got, {"busy": False, "answer": "woke", "now": 0.1})

    def test_the_same_virtual_times_every_run(self) -> None:
        body = """
            def worker(loop, delay):
                return asyncio.run_coroutine_threadsafe(asyncio.sleep(delay, result=delay), loop).result()

            async def main():
                loop = asyncio.get_running_loop()
                finished = []
                async def one(delay):
                    await loop.run_in_executor(None, worker, loop, delay)
                    finished.append((delay, round(loop.time(), 9)))  # asyncio fires timers within 1 ns together
                async def beat():
                    while True:
                        await asyncio.sleep(0.05)
                heartbeat = asyncio.ensure_future(beat())
                await asyncio.gather(*(one(d) for d in (0.7, 0.2, 0.45)))
                heartbeat.cancel()
                return sorted(finished)

            print(json.dumps({"finished": session.run_loop(main(), entry="main")}))
        """
        first = run(body)["finished"]
        self.assertEqual(first, [[0.2, 0.2], [0.45, 0.45], [0.7, 0.7]])
        for _ in range(3):
            self.assertEqual(run(body)["finished"], first)

    def test_asyncio_run_in_a_worker_gets_a_loop_of_its_own(self) -> None:
        got = run("""
            async def sleep_on_its_loop():
                inner = asyncio.get_running_loop()
                start = inner.time()
                await asyncio.sleep(30)
                return "inner", type(inner).__name__, inner.time() - start

            def worker():
                answer, kind, slept = asyncio.run(sleep_on_its_loop())
                return answer, kind, slept, threading.current_thread() is not threading.main_thread()

            async def main():
                loop = asyncio.get_running_loop()
                answer, kind, slept, in_worker = await loop.run_in_executor(None, worker)
                return {"answer": answer, "kind": kind, "slept": slept, "in_worker": in_worker, "now": loop.time(),
                        "grade_loop": type(loop).__name__}

            print(json.dumps(session.run_loop(main(), entry="main")))
        """)
        self.assertEqual(got["answer"], "inner")
        self.assertTrue(got["in_worker"])
        self.assertEqual(got["now"], 0.0)  # the grade's loop never ran the inner sleep
        # The worker's own loop is a virtual clock too: its 30 s pass exactly, in no real time.
        self.assertEqual(got["kind"], got["grade_loop"])
        self.assertEqual(got["slept"], 30.0)

    def test_a_pool_job_awaited_through_wrap_future_keeps_the_clock_still(self) -> None:
        # `await asyncio.wrap_future(pool.submit(f))` is run_in_executor spelled by hand. Uncounted, the
        # clock saw no thread at work: with no timer it declared a deadlock, and with one it jumped
        # to it before the job had started its virtual sleep, so the job ended late.
        got = run("""
            import concurrent.futures, os
            from asynclings_harness.clock import LoopAborted

            pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)

            def job(seconds):
                deadline = time.perf_counter() + 0.03
                while time.perf_counter() < deadline:  # real work first: the loop goes idle meanwhile
                    pass
                time.sleep(seconds)  # virtual, in a worker
                return seconds

            async def alone():
                return await asyncio.wrap_future(pool.submit(job, 0))

            async def beside_a_timer():
                loop = asyncio.get_running_loop()
                async def beat():
                    while True:
                        await asyncio.sleep(0.25)
                heartbeat = asyncio.ensure_future(beat())
                answer = await asyncio.wrap_future(pool.submit(job, 1))
                heartbeat.cancel()
                return [answer, loop.time()]

            out = {}
            for name, main in (("alone", alone), ("beside_a_timer", beside_a_timer)):
                try:
                    out[name] = session.run_loop(main(), entry="main")
                except LoopAborted as aborted:
                    out[name] = aborted.kind
            print(json.dumps(out), flush=True)
            os._exit(0)  # a worker of the uncounted run may still be asleep on a closed loop
        """)
        self.assertEqual(got, {"alone": 0, "beside_a_timer": [1, 1.0]})

    def test_only_thread_pool_futures_count_as_thread_work(self) -> None:
        # A concurrent future that the loop itself completes later is nobody's thread job: counted,
        # the clock would wait real time for a thread that does not exist.
        got = run("""
            import concurrent.futures

            async def main():
                loop = asyncio.get_running_loop()
                plain = concurrent.futures.Future()
                loop.call_later(2, plain.set_result, "later")
                waiting = asyncio.wrap_future(plain)
                counted = loop._executor_jobs
                return {"counted": counted, "answer": await waiting, "now": loop.time()}

            print(json.dumps(session.run_loop(main(), entry="main")))
        """)
        self.assertEqual(got, {"counted": 0, "answer": "later", "now": 2.0})


    def test_coroutines_made_in_workers_know_where_they_were_made(self) -> None:
        got = run("""
            def worker():
                coroutine = asyncio.sleep(1)
                origin = coroutine.cr_origin
                coroutine.close()
                return origin is not None and origin[0][2] == "worker"

            async def main():
                return await asyncio.get_running_loop().run_in_executor(None, worker)

            print(json.dumps({"tracked": session.run_loop(main(), entry="main")}))
        """)
        self.assertTrue(got["tracked"])


if __name__ == "__main__":
    unittest.main()
