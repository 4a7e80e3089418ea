"""Grades 03-background-tasks: jobs run as tasks during other_work; results in job order; nothing left behind.

Each sentence of the lesson's "Your exercise", and what enforces it:

- `background_task(name, delay)` waits `delay` seconds and returns f"Result from {name}":
  "background_task returns its result after its delay" — wrong/ignores-delay.py.
- `run_with_other_work` starts every job as a task: "every job runs in the background
  while other_work runs" (the grader's other_work counts the jobs that had started while
  it ran; the total time) — wrong/sequential.py, wrong/await-each-task.py,
  wrong/tasks-after-work.py.
- then runs `await other_work()` while they are in flight: same scenario (other_work is
  awaited once, and no job may finish before it starts), "other_work still runs when there
  are no jobs" — wrong/awaits-jobs-before-work.py, wrong/forgets-other-work.py (behaviour),
  wrong/other-work-not-awaited.py (unawaited).
- then returns the results in job order: "every job runs in the background..." and "a job
  longer than other_work is still collected" (the first job finishes last), "jobs that
  finish while other_work still runs..." —
  wrong/completion-order.py.
- leaving no task behind: every scenario (t.call's leak check) — wrong/first-completed.py
  (leaked-tasks).
"""

import asyncio

from asynclings_harness import Trial, scenario
from asynclings_harness.tracking import Span

CHECKS = ["behaviour", "concurrency"]


def result(name: str, delay: float) -> str:
    return f"Result from {name}"


@scenario("background_task returns its result after its delay")
async def one_job(t: Trial) -> None:
    background_task = t.function("background_task", is_async=True,
                                 signature="async def background_task(name: str, delay: float) -> str")
    got = await t.call(background_task, "report", 0.3)
    t.expect("behaviour", got == "Result from report",
             f"background_task('report', 0.3) returned {t.show(got)}; it should return 'Result from report'.")
    t.expect("behaviour", t.close(t.now, 0.3),
             f"background_task('report', 0.3) took {t.now:g} s; it should wait its delay (0.3 s) without blocking the loop.")


class OtherWork:
    """The grader's other_work: notes how many jobs had started, and finished, around it; a row on the timeline."""

    def __init__(self, t: Trial, fake, duration: float) -> None:
        self.t, self.fake, self.duration = t, fake, duration
        self.calls = 0
        self.started_at: float | None = None
        self.jobs_done_before = 0  # jobs already finished when other_work started
        self.jobs_started_during = 0  # jobs started by the time other_work finished

        async def other_work() -> None:
            self.calls += 1
            self.started_at = t.now
            self.jobs_done_before = sum(1 for call in fake.calls if call.end is not None)
            span = Span("io", "other_work()", t.now, None, t.task_label(asyncio.current_task()))
            t.io_span(span)
            try:
                await asyncio.sleep(duration)
            finally:
                span.end = t.now
            self.jobs_started_during = len(fake.calls)

        other_work.__qualname__ = "other_work"
        self.function = other_work

    def __call__(self):
        return self.function()


async def run_jobs(t: Trial, jobs: list[tuple[str, float]], work_seconds: float):
    run_with_other_work = t.function(
        "run_with_other_work", is_async=True,
        signature="async def run_with_other_work(jobs: list[tuple[str, float]], other_work) -> list[str]")
    fake = t.fake_async("background_task", latency=lambda name, delay: delay, result=result)
    other = OtherWork(t, fake, work_seconds)
    got = await t.call(run_with_other_work, list(jobs), other)
    return fake, other, got


@scenario("every job runs in the background while other_work runs")
async def overlap(t: Trial) -> None:
    jobs = [("A", 0.5), ("B", 0.1), ("C", 0.3)]
    fake, other, got = await run_jobs(t, jobs, 0.2)
    expected = [result(*job) for job in jobs]
    if isinstance(got, list) and sorted(map(str, got)) == sorted(expected) and got != expected:
        t.fail("behaviour", f"run_with_other_work returned {t.show(got)}: the results in the order the jobs finished. "
                            f"Return them in job order: {t.show(expected)}.")
    else:
        t.expect("behaviour", got == expected, f"run_with_other_work({jobs}, other_work) returned {t.show(got)}; expected {t.show(expected)}.")
    t.expect("behaviour", other.calls == 1, f"other_work should run exactly once, awaited; it ran "
                                            f"{t.count(other.calls, 'time')}.", follows="unawaited")
    t.expect("behaviour", sorted(c.args for c in fake.calls) == sorted(jobs),
             f"background_task should run once per job; it ran for {[c.args for c in fake.calls]}.")
    if other.calls:
        seen = []
        if fake.peak < len(jobs):
            seen.append(f"at most {fake.peak} of the {len(jobs)} jobs ran at once")
        if other.jobs_started_during < len(jobs):
            seen.append(f"while other_work ran, only {other.jobs_started_during} of them had started")
        elif other.jobs_done_before and other.started_at:
            done = "all of them" if other.jobs_done_before == len(jobs) else f"{other.jobs_done_before} of them"
            seen.append(f"other_work started only at {other.started_at:g} s, when {done} had already finished")
        t.expect("concurrency", not seen,
                 f"The jobs did not run in the background: {' and '.join(seen)}. A job runs in the background once it "
                 "is a task that nobody waits for yet: start every one, then await other_work while they run, and "
                 "collect the results after it.")
    longest = max(max(d for _, d in jobs), 0.2)
    t.expect("concurrency", t.now <= longest + 1e-6,
             f"run_with_other_work took {t.now:g} s; with the jobs running during other_work, it takes as long as "
             f"the longest of them, {longest:g} s.",
             f"the jobs ran in the background: {t.now:g} s in all")


@scenario("other_work still runs when there are no jobs")
async def no_jobs(t: Trial) -> None:
    fake, other, got = await run_jobs(t, [], 0.2)
    t.expect("behaviour", got == [], f"run_with_other_work([], other_work) returned {t.show(got)}; it should return [].")
    t.expect("behaviour", other.calls == 1, f"with no jobs, other_work should still run once, awaited; it ran "
                                            f"{t.count(other.calls, 'time')}.", follows="unawaited")


@scenario("a job longer than other_work is still collected")
async def long_jobs(t: Trial) -> None:
    jobs = [("slow", 2.0), ("fast", 0.05), ("medium", 1.0), ("instant", 0.0)]
    fake, other, got = await run_jobs(t, jobs, 0.5)
    expected = [result(*job) for job in jobs]
    t.expect("behaviour", got == expected, f"run_with_other_work({jobs}, other_work) returned {t.show(got)}; expected {t.show(expected)}.")
    t.expect("concurrency", t.now <= 2.0 + 1e-6,
             f"run_with_other_work took {t.now:g} s; the slowest job takes 2 s, and everything else (other_work "
             "included) can overlap with it.")


@scenario("jobs that finish while other_work still runs are collected too")
async def short_jobs(t: Trial) -> None:
    jobs = [("quick", 0.1), ("brief", 0.25)]
    fake, other, got = await run_jobs(t, jobs, 1.0)
    expected = [result(*job) for job in jobs]
    t.expect("behaviour", got == expected, f"run_with_other_work({jobs}, other_work) returned {t.show(got)}; expected {t.show(expected)}.")
    t.expect("concurrency", t.now <= 1.0 + 1e-6,
             f"run_with_other_work took {t.now:g} s; other_work takes 1 s and both jobs finish while it runs, so 1 s in all.")
