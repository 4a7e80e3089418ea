"""Grades 01-first-coroutine: a coroutine that takes one (virtual) second, awaited and printed.

Each sentence of the lesson's "Your exercise", and what enforces it:

- `async def fetch_data(url) -> dict`: "fetch_data returns the url and its data after one
  second" (t.function, is_async) — wrong/plain-function.py.
- it takes 1 second, with asyncio.sleep: same scenario (virtual time 1 s; a `time.sleep`
  is the generic `blocking` check) — wrong/no-delay.py, wrong/time-sleep.py.
- it returns {"url": url, "data": <some text>}: same scenario — wrong/fixed-url.py.
- `main()` awaits fetch_data for one URL: "main awaits fetch_data and prints the result"
  (the grader's stand-in counts the call; a coroutine left unawaited is `unawaited`) —
  wrong/missing-await.py.
- main prints the result: same scenario (the stand-in's own data must appear in what main
  printed, however it is formatted) — wrong/never-prints.py.
- running the file as a script runs main() with asyncio.run: "importing the file runs
  nothing; running it as a script runs main" (the coroutine handed to asyncio.run is
  main; calling `main()` bare leaves its coroutine unawaited) — wrong/no-entry-point.py.
- under `if __name__ == "__main__":`, so importing runs nothing: same scenario
  (t.import_ran_code) — wrong/no-main-guard.py.
"""

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour"]
URL = "https://example.test/items/42"


@scenario("fetch_data returns the url and its data after one second")
async def fetch_data_alone(t: Trial) -> None:
    fetch_data = t.function("fetch_data", is_async=True, signature="async def fetch_data(url: str) -> dict")
    got = await t.call(fetch_data, URL)
    t.require("behaviour", isinstance(got, dict),
              f"fetch_data({URL!r}) returned {t.show(got)}; it should return a dict like {{'url': url, 'data': '...'}}.")
    t.expect("behaviour", got.get("url") == URL,
             f"fetch_data({URL!r}) returned {t.show(got)}: its 'url' should be the url it was given, not a fixed one.")
    t.expect("behaviour", isinstance(got.get("data"), str),
             f"fetch_data({URL!r}) returned {t.show(got)}: it needs a 'data' key holding text.")
    t.expect("behaviour", t.close(t.now, 1.0),
             f"fetch_data took {t.now:g} s of (virtual) time; it should simulate a 1-second network call, "
             "pausing without blocking the event loop.")


@scenario("main awaits fetch_data and prints the result")
async def main_prints(t: Trial) -> None:
    main = t.function("main", is_async=True, signature="async def main() -> None")
    t.function("fetch_data", is_async=True)  # the stand-in below is a coroutine function: so must theirs be
    marker = "grader-data-7f3a"
    answer = {"url": "https://grader.example/stand-in", "data": marker}
    fake = t.fake_async("fetch_data", latency=1.0, result=lambda url, *a, **k: dict(answer, url=url))
    await t.call(main)
    # A coroutine created but never awaited is the `unawaited` check's finding: these follow from it.
    t.expect("behaviour", len(fake.calls) >= 1,
             "main() never ran fetch_data: calling a coroutine function only creates a coroutine; "
             "it runs when main awaits it.", follows="unawaited")
    printed = t.printed().strip()
    t.expect("behaviour", marker in printed,
             "main() should print the dict fetch_data returned. Here fetch_data was the grader's stand-in, "
             f"returning {{'url': ..., 'data': {marker!r}}}, and main printed "
             f"{t.show(printed) if printed else 'nothing'}.", follows="unawaited")


@scenario("importing the file runs nothing; running it as a script runs main")
def script(t: Trial) -> None:
    t.function("main", is_async=True)
    reason = t.import_ran_code
    t.expect("behaviour", reason is None,
             f"Importing your file should only define functions, but {reason}. "
             "Keep the call that starts the program under `if __name__ == \"__main__\":` so it runs only as a script.")
    before = len(t.asyncio_runs)
    printed = t.run_as_main().strip()
    runs = t.asyncio_runs[before:]
    if "main" not in runs:
        ran = f"it ran {', '.join(f'asyncio.run({name}())' for name in runs)}" if runs else "it never called asyncio.run"
        # `main()` alone only makes a coroutine: that is the `unawaited` check's finding, and this follows from it.
        t.fail("behaviour", f"Running the file as a script should start main() with asyncio.run; {ran}. "
                            "The file's last lines start the program when it runs as a script.", follows="unawaited")
    else:
        t.expect("behaviour", bool(printed),
                 "Running the file as a script ran main() with asyncio.run, but nothing was printed: main should "
                 "print what fetch_data returns.")
