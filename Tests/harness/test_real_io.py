"""Real sockets and library threads on the virtual clock: no jump while real work is under way."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import unittest

import support
from support import run_on_virtual_clock as run  # also puts the harness on sys.path
from asynclings_harness.sockets import IN_FLIGHT, SETTLED, SocketLedger


async def echo_server(latency: float | None):
    """A loopback echo server on the same loop: answers each line after `latency` virtual seconds (None: never)."""
    async def handle(reader, writer):
        try:
            while line := await reader.readline():
                if latency is None:
                    await asyncio.get_running_loop().create_future()
                await asyncio.sleep(latency)
                writer.write(line)
                await writer.drain()
        except asyncio.CancelledError:
            # Cancelled when the test's loop shuts down. Ending normally: start_server's done
            # callback asks a cancelled handler for its exception and logs a traceback (3.11, 3.12).
            return
        finally:
            writer.close()
    return await asyncio.start_server(handle, "127.0.0.1", 0)


@unittest.skipUnless(sys.platform.startswith("linux"), "the ledger reads Linux TCP_INFO")
class LoopbackOnVirtualTime(unittest.TestCase):
    def test_echo_takes_exactly_the_virtual_latency(self) -> None:
        async def main():
            server = await echo_server(0.25)
            port = server.sockets[0].getsockname()[1]
            loop = asyncio.get_running_loop()
            times = []
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            for n in range(20):
                started = loop.time()
                writer.write(b"x" * (n * 997 % 5000) + b"\n")
                await reader.readline()
                times.append(loop.time() - started)
            writer.close()
            server.close()
            return times
        for _ in range(5):
            self.assertEqual(run(main), [0.25] * 20)

    def test_a_stalled_server_times_out_exactly_at_the_deadline(self) -> None:
        async def main():
            server = await echo_server(None)
            port = server.sockets[0].getsockname()[1]
            loop = asyncio.get_running_loop()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"hello\n")
            started = loop.time()
            try:
                async with asyncio.timeout(1.5):
                    await reader.readline()
            except TimeoutError:
                return loop.time() - started
            finally:
                writer.close()
                server.close()
        self.assertEqual(run(main), 1.5)

    def test_timers_wait_while_bytes_are_on_their_way(self) -> None:
        # Many short timeouts racing real round trips: none may fire, whatever the machine's speed.
        async def main():
            server = await echo_server(0.0)
            port = server.sockets[0].getsockname()[1]
            streams = [await asyncio.open_connection("127.0.0.1", port) for _ in range(8)]

            async def ping(reader, writer):
                for _ in range(50):
                    writer.write(b"ping\n")
                    async with asyncio.timeout(0.001):
                        await reader.readline()

            await asyncio.gather(*(ping(r, w) for r, w in streams))
            for _, writer in streams:
                writer.close()
            server.close()
            return asyncio.get_running_loop().time()
        self.assertEqual(run(main), 0.0)

    def test_the_ledger_sees_a_connection_to_our_listener_as_settled_once_delivered(self) -> None:
        import socket
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        ledger = SocketLedger()
        try:
            fds = [listener.fileno(), client.fileno(), accepted.fileno()]
            self.assertEqual(ledger.state(fds), SETTLED)
            client.sendall(b"hello")
            self.assertIn(ledger.state(fds), (SETTLED, IN_FLIGHT))  # delivered now or in a moment
            accepted.recv(5)
            client.close()
            # The peer's FIN has arrived (loopback), so the open end is settled.
            self.assertEqual(ledger.state([listener.fileno(), accepted.fileno()]), SETTLED)
        finally:
            for sock in (listener, client, accepted):
                sock.close()

    def test_a_sender_held_back_by_a_full_window_is_in_flight_once_the_reader_has_read_everything(self) -> None:
        # Two ends of one connection as the kernel might show them: every byte sent has arrived,
        # the sender still holds 40 KB its peer's window had no room for.
        from asynclings_harness.sockets import ESTABLISHED, UNKNOWN, Probe

        a, b = ("127.0.0.1", 40000), ("127.0.0.1", 40001)

        def judged(unread: int) -> str:
            sender = Probe(10, (10, 1), a, b, ESTABLISHED, received=0, sent=500_000, notsent=40_000)
            receiver = Probe(11, (11, 2), b, a, ESTABLISHED, received=500_000, sent=0, notsent=0, unread=unread)
            probes = {sender.key: sender, receiver.key: receiver}
            return SocketLedger()._judge(receiver, probes)

        # The reader has read it all: its window is open, the update and then the rest are on their way.
        self.assertEqual(judged(unread=0), IN_FLIGHT)
        # The reader has not: nothing says when its application will.
        self.assertEqual(judged(unread=16_384), UNKNOWN)


HARNESS = support.HARNESS
THREAD_SCRIPT = f"""
import asyncio, json, queue, sys, threading, time
sys.path.insert(0, {HARNESS!r})
from asynclings_harness.instrument import Instrumentation
from asynclings_harness.learner import LearnerFile
from asynclings_harness.session import Session

session = Session("test", LearnerFile("/nowhere/learner.py", b""), [])
Instrumentation(session).install()

def worker(jobs):
    # A library worker thread, like aiosqlite's: waits on a SimpleQueue, does real work.
    while True:
        future, seconds = jobs.get()
        if future is None:
            return
        end = time.perf_counter() + seconds  # real CPU work, invisible to the clock
        while time.perf_counter() < end:
            pass
        future.get_loop().call_soon_threadsafe(future.set_result, seconds)

async def main():
    loop = asyncio.get_running_loop()
    jobs = queue.SimpleQueue()
    thread = threading.Thread(target=worker, args=(jobs,))
    thread.start()
    ticks = []
    async def ticker():
        while True:
            await asyncio.sleep(0.1)
            ticks.append(loop.time())
    tick = asyncio.create_task(ticker())
    for _ in range(20):
        future = loop.create_future()
        jobs.put((future, 0.003))
        await future
    done_at = loop.time()
    jobs.put((None, 0))
    tick.cancel()
    return {{"done_at": done_at, "ticks": len(ticks)}}

print(json.dumps(session.run_loop(main(), entry="main")))
"""


class QuietShutdown(unittest.TestCase):
    def test_the_echo_tests_log_nothing_when_their_loop_shuts_down(self) -> None:
        done = support.run_tests_apart("test_real_io.LoopbackOnVirtualTime")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn("Traceback", done.stderr)


class LibraryThreads(unittest.TestCase):
    def test_a_worker_thread_doing_real_work_is_not_jumped_over(self) -> None:
        for _ in range(3):
            done = subprocess.run([sys.executable, "-s", "-c", textwrap.dedent(THREAD_SCRIPT)],
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            got = json.loads(done.stdout.strip().splitlines()[-1])
            # 60 ms of real work in the thread, yet no virtual time passed: the clock waited for it.
            self.assertEqual(got, {"done_at": 0.0, "ticks": 0})


@unittest.skipUnless(all(__import__("importlib").util.find_spec(m) for m in ("aiohttp", "websockets", "aiosqlite")),
                     "aiohttp, websockets and aiosqlite are installed in the project's .venv only")
class RealLibraryLessons(unittest.TestCase):
    def test_reference_solutions_pass(self) -> None:
        for lesson in ("18-http-client", "19-database", "20-websockets", "21-connection-pool"):
            report = support.grade(lesson, path=os.path.join(support.LESSONS, lesson, "solution.py"), budget=15)
            self.assertEqual(report["status"], "pass", (lesson, support.statuses(report)))


if __name__ == "__main__":
    unittest.main()
