import asyncio

import pytest

import subject
from subject import fetch_data, slow_operation, with_timeout

TOLERANCE = 0.05


class Stopwatch:
    """Reads the event loop's clock: exact on a virtual clock, close enough on a real one."""

    def __enter__(self):
        self.loop = asyncio.get_running_loop()
        self.start = self.loop.time()
        return self

    def __exit__(self, *exc):
        self.seconds = self.loop.time() - self.start
        return False


@pytest.mark.asyncio
class TestFetchData:
    async def test_answer_names_the_url(self):
        data = await fetch_data("https://example.test/x")
        assert data["url"] == "https://example.test/x"
        assert "data" in data and isinstance(data["data"], str)

    async def test_takes_one_second(self):
        with Stopwatch() as watch:
            await fetch_data("https://example.test/x")
        assert watch.seconds == pytest.approx(1, abs=TOLERANCE)


@pytest.mark.asyncio
class TestWithTimeout:
    async def test_slow_operation_message(self):
        assert await slow_operation(0.3) == "Completed after 0.3s"

    async def test_just_inside_the_limit(self):
        with Stopwatch() as watch:
            assert await with_timeout(0.7, 0.75) == "Completed after 0.7s"
        assert watch.seconds == pytest.approx(0.7, abs=TOLERANCE)

    async def test_just_outside_the_limit(self):
        with Stopwatch() as watch:
            assert await with_timeout(0.8, 0.75) is None
        assert watch.seconds == pytest.approx(0.75, abs=TOLERANCE)

    async def test_the_slow_operation_is_cancelled(self, monkeypatch):
        outcome = []

        async def slow(delay):
            try:
                await asyncio.sleep(delay)
                outcome.append("finished")
            except asyncio.CancelledError:
                outcome.append("cancelled")
                raise

        monkeypatch.setattr(subject, "slow_operation", slow)
        assert await with_timeout(10, 0.2) is None
        assert outcome == ["cancelled"]
