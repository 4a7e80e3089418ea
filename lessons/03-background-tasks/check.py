"""Grades 03-background-tasks: jobs run as tasks during other_work; results in job order; nothing left behind."""

from asynclings_harness import Trial, scenario

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
             f"background_task('report', 0.3) took {t.now:g} s; it should wait its delay (0.3 s) with `await asyncio.sleep(delay)`.")


class OtherWork:
    """The grader's other_work: notes how many jobs had started, and were still running, while it ran."""

    def __init__(self, t: Trial, fake, duration: float) -> None:
        self.t, self.fake, self.duration = t, fake, duration
        self.calls = 0
        self.started_at: float | None = None
        self.jobs_started_during = 0

    async def __call__(self) -> None:
        self.calls += 1
        self.started_at = self.t.now
        await __import__("asyncio").sleep(self.duration)
        self.jobs_started_during = len(self.fake.calls)


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
    t.expect("behaviour", other.calls == 1, f"other_work should be awaited exactly once; it was called {other.calls} times.")
    t.expect("behaviour", sorted(c.args for c in fake.calls) == sorted(jobs),
             f"background_task should run once per job; it ran for {[c.args for c in fake.calls]}.")
    if other.calls:
        t.expect("concurrency", other.jobs_started_during == len(jobs),
                 f"While other_work ran, only {other.jobs_started_during} of {len(jobs)} jobs had started. "
                 "Create every task with asyncio.create_task before you `await other_work()`, and don't await "
                 "the tasks until other_work is done.")
    longest = max(max(d for _, d in jobs), 0.2)
    t.expect("concurrency", t.now <= longest + 1e-6,
             f"run_with_other_work took {t.now:g} s; with the jobs running during other_work it should take "
             f"{longest:g} s (the longest of them), not their sum.",
             f"the jobs ran in the background: {t.now:g} s in all")


@scenario("other_work still runs when there are no jobs")
async def no_jobs(t: Trial) -> None:
    fake, other, got = await run_jobs(t, [], 0.2)
    t.expect("behaviour", got == [], f"run_with_other_work([], other_work) returned {t.show(got)}; it should return [].")
    t.expect("behaviour", other.calls == 1, f"with no jobs, other_work should still be awaited once; it was called {other.calls} times.")


@scenario("a job longer than other_work is still collected")
async def long_jobs(t: Trial) -> None:
    jobs = [("slow", 2.0), ("fast", 0.05), ("medium", 1.0), ("instant", 0.0)]
    fake, other, got = await run_jobs(t, jobs, 0.5)
    expected = [result(*job) for job in jobs]
    t.expect("behaviour", got == expected, f"run_with_other_work({jobs}, other_work) returned {t.show(got)}; expected {t.show(expected)}.")
    t.expect("concurrency", t.now <= 2.0 + 1e-6,
             f"run_with_other_work took {t.now:g} s; the slowest job takes 2 s and everything else overlaps with it.")
