/// A realistic lesson used by the layout tests: every construct the renderer handles.
let sampleLesson = #"""
    # Running coroutines together with `asyncio.gather`

    Awaiting coroutines *one after another* makes them run **sequentially**: the second
    request only starts once the first has finished. `asyncio.gather` schedules them all
    as tasks and waits for every result, so the waits overlap. See the [official
    documentation](https://docs.python.org/3/library/asyncio-task.html#asyncio.gather) or
    https://docs.python.org/3/library/asyncio-task.html#running-tasks-concurrently-with-a-very-long-anchor-name
    for the details -- it's shorter than you'd think...

    ## What changes

    | Approach            | Total time for 3 × 1 s | Results order   | On error                  |
    |:--------------------|-----------------------:|:---------------:|---------------------------|
    | `await` in a loop   |                    3 s | call order      | stops at the first one    |
    | `asyncio.gather`    |                    1 s | argument order  | first exception raised    |
    | `asyncio.TaskGroup` |                    1 s | your choice     | cancels the rest, groups errors |

    > **Remember:** `gather` returns results in the order of its *arguments*, not in
    > the order the coroutines finished.
    >
    > > Nested quotes keep their gutter too.

    Steps for this exercise:

    1. Write `fetch(n)` so that it sleeps for `n` seconds and returns `n * 10`.
    2. Call it three times **concurrently**:
       - build the coroutines first;
       - pass them to `asyncio.gather(*coros)`;
       - await the gather, exactly once.
    3. Print the total time.

    - [x] read the lesson
    - [ ] make the checks pass
    - [ ] ~~use `time.sleep`~~ never block the loop 🚫

    ```python
    import asyncio
    import time


    @dataclass(frozen=True)
    class Result:
        """A fetched value and how long it took."""
        value: int
        seconds: float = 0.0


    async def fetch(n: int) -> int:
        await asyncio.sleep(n)  # never time.sleep() here!
        return n * 10


    async def main() -> None:
        started = time.perf_counter()
        results = await asyncio.gather(fetch(1), fetch(2), fetch(3), return_exceptions=False)
        print(f"got {results} in {time.perf_counter() - started:.1f}s", 0x1F, 1_000)
    ```

    ---

    Run it with `python3 -X dev exercises/02-gather.py` (the `-X dev` flag reports
    coroutines that were never awaited). 中文说明：并发运行多个协程，然后一次性等待它们全部完成。
    """#
