"""Schedule exploration (the `race` check): the one-callback-at-a-time loop and its seeded walk.

Races are found (lost update and check-then-act hidden from asyncio's ordinary order,
a timer-gap race that needs varied I/O latencies), correct programs never fail
(Queue with stop markers, Queue.join workers, Semaphore, TaskGroup under a timeout,
Event and Condition), and a seed always replays the same interleaving.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import unittest
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import support
from asynclings_harness.clock import VirtualClockLoop
from asynclings_harness.explore import Schedule

Program = Callable[["World"], Awaitable[Any]]
# Seeds the unit tests sweep: enough to find each race many times over, and to make a
# false positive (the bench sweeps 1,000 per lesson) very likely to show.
SEEDS = range(1, 301)


@dataclass
class World:
    """What a test program sees: the schedule (None: asyncio's ordinary order) and some shared state."""

    schedule: Schedule | None
    state: dict[str, Any] = field(default_factory=dict)
    log: list[Any] = field(default_factory=list)

    async def io(self, seconds: float) -> None:
        """Simulated I/O of the grader's: its latency varies under a schedule that varies latencies."""
        await asyncio.sleep(self.schedule.vary(seconds) if self.schedule is not None else seconds)


def run(program: Program, seed: int) -> tuple[World, Any, str]:
    """Runs ``program`` once under schedule ``seed`` (0: the stock loop); returns the world, result, fingerprint."""
    schedule = Schedule(seed) if seed else None
    loop = VirtualClockLoop()
    loop.schedule = schedule
    world = World(schedule)
    try:
        result = loop.run_until_complete(program(world))
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.close()
    return world, result, schedule.fingerprint if schedule is not None else ""


def failing_seeds(program: Program, broken: Callable[[World, Any], bool], seeds: range = SEEDS) -> list[int]:
    return [seed for seed in seeds if broken(*run(program, seed)[:2])]


# -- racy programs ------------------------------------------------------------------------


async def lost_update(world: World) -> None:
    """Two increments: read, await, write. B starts one step later, so the ordinary order serialises them."""
    world.state["n"] = 0

    async def increment(head_start: int) -> None:
        for _ in range(head_start):
            await asyncio.sleep(0)
        value = world.state["n"]
        await asyncio.sleep(0)
        world.state["n"] = value + 1

    await asyncio.gather(increment(0), increment(1))


async def check_then_act(world: World) -> None:
    """Two withdrawals of 70 from 100: check the funds, await, take. Hidden from the ordinary order the same way."""
    world.state["balance"] = 100

    async def withdraw(head_start: int) -> None:
        for _ in range(head_start):
            await asyncio.sleep(0)
        if world.state["balance"] >= 70:
            await asyncio.sleep(0)
            world.state["balance"] -= 70

    await asyncio.gather(withdraw(0), withdraw(1))


async def timer_gap(world: World) -> None:
    """A lost update that needs time: B starts 20 ms in, after A's 10 ms write would normally have landed."""
    world.state["n"] = 0

    async def increment(start: float) -> None:
        await asyncio.sleep(start)  # the grader's own timing: not varied
        value = world.state["n"]
        await world.io(0.01)
        world.state["n"] = value + 1

    await asyncio.gather(increment(0.0), increment(0.02))


def locked(program_body: Callable[[World, asyncio.Lock], Awaitable[None]]) -> Program:
    async def program(world: World) -> None:
        await program_body(world, asyncio.Lock())
    return program


async def lost_update_locked(world: World, lock: asyncio.Lock) -> None:
    world.state["n"] = 0

    async def increment(head_start: int) -> None:
        for _ in range(head_start):
            await asyncio.sleep(0)
        async with lock:
            value = world.state["n"]
            await world.io(0.01)
            world.state["n"] = value + 1

    await asyncio.gather(*(increment(i % 3) for i in range(5)))


async def check_then_act_locked(world: World, lock: asyncio.Lock) -> None:
    world.state["balance"] = 100

    async def withdraw(head_start: int) -> None:
        for _ in range(head_start):
            await asyncio.sleep(0)
        async with lock:
            if world.state["balance"] >= 70:
                await world.io(0.01)
                world.state["balance"] -= 70

    await asyncio.gather(withdraw(0), withdraw(1), withdraw(2))


class FindsRaces(unittest.TestCase):
    def test_ordinary_order_hides_these_races(self) -> None:
        # The point of exploring: asyncio's stock loop never shows them.
        self.assertEqual(run(lost_update, 0)[0].state["n"], 2)
        self.assertEqual(run(check_then_act, 0)[0].state["balance"], 30)
        self.assertEqual(run(timer_gap, 0)[0].state["n"], 2)

    def test_lost_update_is_found_within_a_few_seeds(self) -> None:
        failing = failing_seeds(lost_update, lambda world, _: world.state["n"] != 2)
        self.assertTrue(failing, "no seed lost an update")
        self.assertLessEqual(failing[0], 10)
        self.assertGreater(len(failing), len(SEEDS) // 10)  # a fifth to a half of the seeds, not a fluke

    def test_check_then_act_is_found_within_a_few_seeds(self) -> None:
        failing = failing_seeds(check_then_act, lambda world, _: world.state["balance"] < 0)
        self.assertTrue(failing, "no seed overdrew the balance")
        self.assertLessEqual(failing[0], 10)
        self.assertGreater(len(failing), len(SEEDS) // 10)

    def test_timer_gap_race_needs_varied_latencies_and_is_found(self) -> None:
        failing = failing_seeds(timer_gap, lambda world, _: world.state["n"] != 2)
        self.assertTrue(failing)
        self.assertLessEqual(failing[0], 30)
        self.assertTrue(all(Schedule(seed).vary_latencies for seed in failing),
                        "only schedules that vary the I/O latency can open the gap")

    def test_locks_remove_every_failure(self) -> None:
        self.assertEqual(failing_seeds(locked(lost_update_locked), lambda world, _: world.state["n"] != 5), [])
        self.assertEqual(failing_seeds(locked(check_then_act_locked), lambda world, _: world.state["balance"] != 30), [])


# -- correct programs: never a failure ---------------------------------------------------------


async def queue_with_stop_markers(world: World) -> bool:
    queue: asyncio.Queue[int | None] = asyncio.Queue(maxsize=2)
    done: list[int] = []

    async def producer() -> None:
        for item in range(12):
            await queue.put(item)
            await world.io(0.003)
        for _ in range(3):
            await queue.put(None)

    async def consumer() -> None:
        while (item := await queue.get()) is not None:
            await world.io(0.01 + 0.002 * (item % 4))
            done.append(item)

    await asyncio.gather(producer(), *(consumer() for _ in range(3)))
    return sorted(done) == list(range(12))


async def queue_join_workers(world: World) -> bool:
    queue: asyncio.Queue[int] = asyncio.Queue()
    done: list[int] = []

    async def worker() -> None:
        while True:
            item = await queue.get()
            try:
                await world.io(0.01 * (1 + item % 3))
                done.append(item)
            finally:
                queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(3)]
    for item in range(10):
        queue.put_nowait(item)
    await queue.join()
    for task in workers:
        task.cancel()
    results = await asyncio.gather(*workers, return_exceptions=True)
    return sorted(done) == list(range(10)) and all(isinstance(r, asyncio.CancelledError) for r in results)


async def semaphore_bound(world: World) -> bool:
    semaphore = asyncio.Semaphore(3)
    loop = asyncio.get_running_loop()
    spans: list[tuple[float, float]] = []

    async def job(n: int) -> None:
        async with semaphore:
            start = loop.time()
            await world.io(0.01 * (1 + n % 4))
            spans.append((start, loop.time()))

    await asyncio.gather(*(job(n) for n in range(10)))
    # Between events, exactly min(3, jobs not finished) are in flight: never more, never fewer.
    moments = sorted({t for span in spans for t in span})
    for begin, end in zip(moments, moments[1:]):
        running = sum(1 for s, e in spans if s <= begin and e >= end)
        unfinished = sum(1 for _, e in spans if e > begin)
        if running != min(3, unfinished):
            return False
    return len(spans) == 10


async def task_group_with_timeout(world: World) -> bool:
    cleaned: list[int] = []

    async def job(n: int) -> None:
        try:
            await world.io(0.01 * (n + 1))
        finally:
            cleaned.append(n)

    try:
        async with asyncio.timeout(0.035):
            async with asyncio.TaskGroup() as group:
                for n in range(6):
                    group.create_task(job(n))
    except TimeoutError:
        timed_out = True
    else:
        timed_out = False
    me = asyncio.current_task()
    left = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
    # Every job ran its cleanup; with varied latencies all may finish in time, so either outcome is fine.
    return sorted(cleaned) == list(range(6)) and not left and (timed_out or len(cleaned) == 6)


async def event_and_condition(world: World) -> bool:
    started = asyncio.Event()
    condition = asyncio.Condition()
    stock = {"n": 0}
    took: list[int] = []

    async def buyer(count: int) -> None:
        await started.wait()
        async with condition:
            await condition.wait_for(lambda: stock["n"] >= count)
            stock["n"] -= count
            took.append(count)

    async def supplier() -> None:
        await world.io(0.005)
        started.set()
        for amount in (3, 4, 5):
            await world.io(0.01)
            async with condition:
                stock["n"] += amount
                condition.notify_all()

    buyers = [asyncio.create_task(buyer(count)) for count in (2, 5, 3, 1)]
    await supplier()
    await asyncio.wait_for(asyncio.gather(*buyers), 1.0)
    return stock["n"] == 1 and sorted(took) == [1, 2, 3, 5]


class NoFalsePositives(unittest.TestCase):
    def check(self, program: Program) -> None:
        self.assertTrue(run(program, 0)[1], "the program is wrong even in the ordinary order")
        self.assertEqual(failing_seeds(program, lambda _, ok: not ok), [])

    def test_queue_with_stop_markers(self) -> None:
        self.check(queue_with_stop_markers)

    def test_queue_join_workers(self) -> None:
        self.check(queue_join_workers)

    def test_semaphore_keeps_exactly_three_in_flight(self) -> None:
        self.check(semaphore_bound)

    def test_task_group_under_a_timeout(self) -> None:
        self.check(task_group_with_timeout)

    def test_event_and_condition(self) -> None:
        self.check(event_and_condition)


# -- the schedule itself ------------------------------------------------------------------------


class Scheduling(unittest.TestCase):
    def test_same_seed_same_interleaving_and_verdict(self) -> None:
        for seed in (1, 7, 42, 123):
            first = run(lost_update, seed)
            second = run(lost_update, seed)
            self.assertEqual(first[2], second[2])
            self.assertEqual(first[0].state, second[0].state)

    def test_different_seeds_explore_different_interleavings(self) -> None:
        fingerprints = {run(queue_with_stop_markers, seed)[2] for seed in range(1, 21)}
        self.assertGreater(len(fingerprints), 15)

    def test_same_seed_same_interleaving_in_another_process(self) -> None:
        # Replays must not depend on memory addresses or string hashing: run the same seed in
        # fresh interpreters with different hash seeds and compare fingerprints.
        code = textwrap.dedent("""
            import sys, json
            sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])
            import test_explore as T
            print(json.dumps({s: T.run(T.queue_with_stop_markers, s)[2] for s in (3, 11, 29)}))
        """)
        here = os.path.dirname(os.path.abspath(__file__))
        outputs = []
        for hash_seed in ("0", "1", "12345"):
            env = dict(os.environ, PYTHONHASHSEED=hash_seed)
            done = subprocess.run([sys.executable, "-c", code, here, support.HARNESS], env=env,
                                  capture_output=True, text=True, check=True)
            outputs.append(json.loads(done.stdout))
        self.assertEqual(outputs[0], outputs[1])
        self.assertEqual(outputs[0], outputs[2])

    def test_callbacks_of_no_task_keep_their_order(self) -> None:
        async def program(world: World) -> list[int]:
            loop = asyncio.get_running_loop()
            order: list[int] = []
            noise = [asyncio.create_task(asyncio.sleep(0)) for _ in range(5)]  # tasks to interleave with
            for n in range(20):
                loop.call_soon(order.append, n)
            await asyncio.gather(*noise)
            await asyncio.sleep(0.001)
            return order

        for seed in range(1, 51):
            self.assertEqual(run(program, seed)[1], list(range(20)), f"seed {seed}")

    def test_a_task_can_run_ahead_of_the_others(self) -> None:
        # One ready task at a time, chosen among *all* ready tasks: not a shuffled batch, in
        # which every task makes exactly one step per round.
        async def program(world: World) -> list[str]:
            steps: list[str] = []

            async def walker(name: str) -> None:
                for _ in range(3):
                    steps.append(name)
                    await asyncio.sleep(0)

            await asyncio.gather(walker("a"), walker("b"))
            return steps

        orders = {tuple(run(program, seed)[1]) for seed in range(1, 60)}
        self.assertIn(("a", "b", "a", "b", "a", "b"), {tuple(run(program, 0)[1])})
        self.assertTrue(any(order[:2] in (("a", "a"), ("b", "b")) for order in orders))

    def test_varied_latencies_stay_positive_and_nominal_zero_stays_zero(self) -> None:
        schedule = next(Schedule(seed) for seed in range(1, 50) if Schedule(seed).vary_latencies)
        values = [schedule.vary(0.1) for _ in range(200)]
        self.assertTrue(all(0.025 - 1e-12 <= v <= 0.4 + 1e-12 for v in values))
        self.assertGreater(len(set(values)), 3)
        self.assertEqual(schedule.vary(0.0), 0.0)

    def test_about_half_the_schedules_vary_latencies(self) -> None:
        varying = sum(Schedule(seed).vary_latencies for seed in range(1, 1001))
        self.assertTrue(350 < varying < 650, varying)


# -- through the grader: the race check, its seed, and replay -----------------------------------

CHECK = textwrap.dedent('''
    import asyncio
    from asynclings_harness import Trial, scenario

    CHECKS = ["race"]

    @scenario("two increments at once", explore=True)
    async def twice(t: Trial) -> None:
        counter = t.module.Counter()
        t.fake_async("save", latency=0.01)

        async def later() -> None:
            await asyncio.sleep(0.015)
            await counter.increment()

        await t.call(asyncio.gather, counter.increment(), later())
        t.expect("race", counter.value == 2, f"after two increments the counter is {counter.value}")
''')

RACY = textwrap.dedent('''
    import asyncio

    async def save(value: int) -> None:
        await asyncio.sleep(0.01)

    class Counter:
        def __init__(self) -> None:
            self.value = 0

        async def increment(self) -> None:
            value = self.value
            await save(value + 1)
            self.value = value + 1
''')

SAFE = textwrap.dedent('''
    import asyncio

    async def save(value: int) -> None:
        await asyncio.sleep(0.01)

    class Counter:
        def __init__(self) -> None:
            self.value = 0
            self.lock = asyncio.Lock()

        async def increment(self) -> None:
            async with self.lock:
                value = self.value
                await save(value + 1)
                self.value = value + 1
''')

CRASHING = RACY.replace("        self.value = value + 1",
                        "        if self.value != value:\n"
                        "            raise RuntimeError('someone changed the value under me')\n"
                        "        self.value = value + 1")


class ThroughTheGrader(unittest.TestCase):
    lesson_dir: str

    @classmethod
    def setUpClass(cls) -> None:
        import tempfile

        cls._scratch = tempfile.TemporaryDirectory()
        cls.lesson_dir = os.path.join(cls._scratch.name, "99-counter")
        os.makedirs(cls.lesson_dir)
        with open(os.path.join(cls.lesson_dir, "check.py"), "w", encoding="utf-8") as handle:
            handle.write(CHECK)

    @classmethod
    def tearDownClass(cls) -> None:
        cls._scratch.cleanup()

    def grade(self, source: str, seed: int = 0) -> dict[str, Any]:
        # One file per source, kept for the class: replays grade the very same path.
        path = os.path.join(self._scratch.name, f"exercise-{abs(hash(source))}.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
        return support.grade("99-counter", path=path, seed=seed, lesson_dir=self.lesson_dir)

    def test_a_timer_gap_race_fails_with_the_seed_and_replays(self) -> None:
        report = self.grade(RACY)
        self.assertEqual(support.statuses(report)["race"], "fail", report)
        text = support.message(report, "race")
        self.assertIn("after two increments the counter is 1", text)
        self.assertIn("asyncio's ordinary order", text)
        seed = int(text.split("--seed ")[1].split("`")[0])
        self.assertGreater(seed, 0)
        replay = self.grade(RACY, seed=seed)
        self.assertEqual(support.statuses(replay)["race"], "fail")
        self.assertIn(f"schedule {seed}, replayed exactly", support.message(replay, "race"))
        self.assertEqual(self.grade(RACY, seed=seed)["checks"], replay["checks"])  # the same verdict every time

    def test_a_correct_counter_passes_every_schedule(self) -> None:
        report = self.grade(SAFE)
        self.assertEqual(report["status"], "pass", report)
        self.assertIn("100 explored schedules", support.message(report, "race"))
        self.assertEqual(support.statuses(self.grade(SAFE, seed=17))["race"], "pass")

    def test_a_failure_only_some_schedules_show_is_a_race(self) -> None:
        # The learner's code raises under some schedules: that is reported as the race, with
        # the seed, and `run` keeps the verdict the ordinary order gave it.
        self.assertIn("raise RuntimeError", CRASHING)
        report = self.grade(CRASHING)
        self.assertEqual(support.statuses(report)["run"], "pass", report)
        self.assertEqual(support.statuses(report)["race"], "fail")
        self.assertIn("someone changed the value under me", support.message(report, "race"))


if __name__ == "__main__":
    unittest.main()
