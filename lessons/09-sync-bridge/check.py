"""Grades 09-sync-bridge: asyncio.run from plain code; run_coroutine_threadsafe from a worker thread.

The worker-thread scenarios run fetch_from_worker_thread in the grader's own
threads while the grader's loop runs a heartbeat; the stand-in fetch_data notes
which loop each call ran on. A worker blocked in ``future.result()`` is waiting
for the loop, so the virtual clock moves on meanwhile (see instrument.py).

Each sentence of the lesson's "Your exercise", and what enforces it:

- `fetch_data(url)` simulates a 1-second request returning {"url": url, "data": <text>}:
  "fetch_data answers after one second" — wrong/fetch-data-no-delay.py.
- `fetch_sync(url)`, called from plain code with no loop running, returns fetch_data(url)'s
  result: "fetch_sync runs fetch_data from plain synchronous code" (a plain `def`
  scenario: no loop is running) — wrong/sync-returns-coroutine.py.
- `fetch_from_worker_thread(loop, url)`, called from a worker thread while `loop` runs,
  runs fetch_data(url) on that loop: the worker scenarios (the stand-in notes the loop of
  each call) — wrong/new-loop-in-worker.py, wrong/drives-the-running-loop.py.
- ...and blocks the worker until the result is ready, then returns it: same scenarios (the
  value, and the moment the worker returns), with three workers at once and a heartbeat on
  the loop that must never stall — wrong/fire-and-forget.py, wrong/returns-the-future.py.
"""

import asyncio
import concurrent.futures

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour"]
HEARTBEAT = 0.1
PATIENCE = 30.0  # virtual seconds the grader waits for a worker before giving up on it
SUBMIT = ("hand the coroutine to the running loop from the worker (asyncio has a thread-safe way to submit one) and "
          "wait on the future that gives you")


def answer(url: str) -> dict:
    return {"url": url, "data": f"grader-data-for-{url.rsplit('/', 1)[-1]}"}


def latency(url: str) -> float:
    return 0.5 + (sum(map(ord, url)) % 5) / 10


@scenario("fetch_data answers after one second")
async def fetch_data_alone(t: Trial) -> None:
    fetch_data = t.function("fetch_data", is_async=True, signature="async def fetch_data(url: str) -> dict")
    url = "https://example.test/a"
    got = await t.call(fetch_data, url)
    t.expect("behaviour", isinstance(got, dict) and got.get("url") == url and isinstance(got.get("data"), str),
             f"fetch_data({url!r}) returned {t.show(got)}; it should return {{'url': url, 'data': <some text>}}.")
    t.expect("behaviour", t.close(t.now, 1.0), f"fetch_data took {t.now:g} s of (virtual) time; it should simulate a "
                                              "1-second request, pausing without blocking the loop.")


@scenario("fetch_sync runs fetch_data from plain synchronous code")
def from_sync_code(t: Trial) -> None:
    fetch_sync = t.function("fetch_sync", is_async=False, signature="def fetch_sync(url: str) -> dict")
    fake = t.fake_async("fetch_data", latency=latency, result=answer)
    for url in ("https://example.test/first", "https://example.test/second"):
        before = len(fake.calls)
        got = t.call_sync(fetch_sync, url)
        if asyncio.iscoroutine(got):
            got.close()
            t.fail("behaviour", f"fetch_sync({url!r}) returned a coroutine object, not the data: calling an async function "
                                "from plain code only creates the coroutine, and no event loop is running here to run it. "
                                "Start one that runs the coroutine to the end and hands back its result.")
            return
        t.expect("behaviour", got == answer(url),
                 f"fetch_sync({url!r}) returned {t.show(got)}; it should return what fetch_data({url!r}) returns: "
                 f"{t.show(answer(url))}.")
        calls = fake.calls[before:]
        t.expect("behaviour", len(calls) == 1 and calls[0].finished,
                 f"fetch_sync({url!r}) should run fetch_data once, to the end; it started it {len(calls)} times.")


async def from_workers(t: Trial, urls: list[str]) -> None:
    fetch_from_worker_thread = t.function(
        "fetch_from_worker_thread", is_async=False,
        signature="def fetch_from_worker_thread(loop: asyncio.AbstractEventLoop, url: str) -> dict")
    fake = t.fake_async("fetch_data", latency=latency, result=answer)
    beat = t.heartbeat(HEARTBEAT)
    loop = t.loop
    finished: dict[str, float] = {}
    workers = {}
    for url in urls:
        worker = loop.run_in_executor(None, fetch_from_worker_thread, loop, url)  # the grader's own worker threads
        worker.add_done_callback(lambda _, url=url: finished.setdefault(url, t.now))
        workers[url] = worker
    done, pending = await asyncio.wait(list(workers.values()), timeout=PATIENCE)
    beat.stop()
    for url, worker in workers.items():
        if worker in pending:
            t.fail("behaviour", f"fetch_from_worker_thread(loop, {url!r}) had not returned after {PATIENCE:g} s: the worker "
                                f"waits for something that never happens. To run fetch_data on the loop, {SUBMIT}.")
            continue
        error = worker.exception()
        if error is not None:
            # The coroutine the worker made and could not run is part of the same mistake.
            t.consequences("behaviour", "unawaited")
            described = t.session.learner.describe_exception(error)
            t.fail("behaviour", f"fetch_from_worker_thread(loop, {url!r}) raised {described}\n"
                                "The loop belongs to the main thread, where it is already running: a worker can neither drive "
                                f"it (`run_until_complete`) nor borrow it. Instead, {SUBMIT}.")
            continue
        got = worker.result()
        calls = [c for c in fake.calls if c.args and c.args[0] == url]
        if isinstance(got, concurrent.futures.Future):
            t.fail("behaviour", f"fetch_from_worker_thread(loop, {url!r}) returned the Future from run_coroutine_threadsafe, "
                                "not the data: call `.result()` on it, which blocks the worker until the answer is ready.")
            continue
        if any(c.loop is not loop for c in calls):
            t.fail("behaviour", f"fetch_from_worker_thread(loop, {url!r}) ran fetch_data on a new event loop it started "
                                "itself (asyncio.run inside the worker), not on the loop it was given. The work belongs on "
                                f"the running loop: {SUBMIT}.")
            continue
        if not calls or not calls[0].finished or got != answer(url):
            t.fail("behaviour", f"fetch_from_worker_thread(loop, {url!r}) returned {t.show(got)} after "
                                f"{finished.get(url, t.now):g} s; it should wait for fetch_data({url!r}) to finish "
                                f"({latency(url):g} s) and return its result, {t.show(answer(url))}: block the worker on the future "
                                "until the answer is there.")
            continue
        t.expect("behaviour", len(calls) == 1,
                 f"fetch_from_worker_thread(loop, {url!r}) ran fetch_data {len(calls)} times; it should run it once.")
        t.expect("behaviour", t.close(finished[url], latency(url)),
                 f"fetch_from_worker_thread(loop, {url!r}) returned after {finished[url]:g} s; fetch_data takes "
                 f"{latency(url):g} s, and the worker should return as soon as it has the answer.")
    t.expect("behaviour", beat.longest_gap <= HEARTBEAT + 1e-6,
             f"the main event loop stalled for {beat.longest_gap:g} s while the workers waited (the grader's heartbeat, due "
             f"every {HEARTBEAT:g} s, could not run). Only the worker thread should wait, never the loop.")


@scenario("fetch_from_worker_thread runs fetch_data on the given loop and waits for it")
async def one_worker(t: Trial) -> None:
    await from_workers(t, ["https://example.test/solo"])


@scenario("three workers wait at once while the loop keeps serving them")
async def three_workers(t: Trial) -> None:
    await from_workers(t, ["https://example.test/x", "https://example.test/yy", "https://example.test/zzz"])
