"""Grades 01-first-coroutine: a coroutine that takes one (virtual) second, awaited and printed."""

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
             f"fetch_data({URL!r}) returned {t.show(got)}: its 'url' should be the url it was given.")
    t.expect("behaviour", isinstance(got.get("data"), str),
             f"fetch_data({URL!r}) returned {t.show(got)}: it needs a 'data' key holding text.")
    t.expect("behaviour", t.close(t.now, 1.0),
             f"fetch_data took {t.now:g} s of (virtual) time; it should simulate a 1-second call with `await asyncio.sleep(1)`.")


@scenario("main awaits fetch_data and prints the result")
async def main_prints(t: Trial) -> None:
    main = t.function("main", is_async=True, signature="async def main() -> None")
    marker = "grader-data-7f3a"
    fake = t.fake_async("fetch_data", latency=1.0, result=lambda url, *a, **k: {"url": url, "data": marker})
    await t.call(main)
    t.expect("behaviour", len(fake.calls) >= 1,
             "main() never ran fetch_data: call it with `await fetch_data(url)`.")
    t.expect("behaviour", marker in t.printed(),
             f"main() should print what fetch_data returned; it printed {t.show(t.printed().strip()) if t.printed().strip() else 'nothing'}.")


@scenario("importing the file runs nothing; running it as a script runs main")
def script(t: Trial) -> None:
    t.function("main", is_async=True)
    reason = t.import_ran_code
    t.expect("behaviour", reason is None,
             f"Importing your file should only define functions, but {reason}. "
             "Put the call under `if __name__ == \"__main__\":` so it runs only as a script.")
    printed = t.run_as_main()
    t.expect("behaviour", URL.split('/')[2] in printed or "'url'" in printed or '"url"' in printed,
             "Running the file as a script should run main() with `asyncio.run(main())` and print the result; "
             f"it printed {t.show(printed.strip()) if printed.strip() else 'nothing'}.")
