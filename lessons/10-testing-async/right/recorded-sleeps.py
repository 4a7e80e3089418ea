"""A fake clock of my own: the stand-ins record what the code asked to wait for, so the
tests look at the delays requested instead of measuring time."""

import asyncio

import pytest

import subject


@pytest.fixture
def sleeps(monkeypatch):
    """Every asyncio.sleep is recorded and takes no time at all."""
    asked = []
    real_sleep = asyncio.sleep

    async def instant_sleep(delay, result=None):
        asked.append(delay)
        return await real_sleep(0, result)

    monkeypatch.setattr(asyncio, "sleep", instant_sleep)
    return asked


@pytest.mark.asyncio
async def test_fetch_data_asks_to_wait_one_second(sleeps):
    result = await subject.fetch_data("https://api.example.test/a")
    assert sleeps == [1]
    assert result == {"url": "https://api.example.test/a", "data": result["data"]}
    assert isinstance(result["data"], str)


@pytest.mark.asyncio
async def test_slow_operation_waits_its_delay_and_says_so(sleeps):
    assert await subject.slow_operation(2.5) == "Completed after 2.5s"
    assert sleeps == [2.5]


@pytest.mark.asyncio
async def test_with_timeout_passes_a_fast_result_through():
    assert await subject.with_timeout(0.2, 0.5) == "Completed after 0.2s"


@pytest.mark.asyncio
async def test_with_timeout_waits_until_the_limit_for_a_slow_answer():
    # Just under the limit still counts.
    assert await subject.with_timeout(0.4, 0.5) == "Completed after 0.4s"


@pytest.mark.asyncio
async def test_with_timeout_gives_up_and_cancels(monkeypatch):
    events = []
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def hangs(delay):
        try:
            await asyncio.Event().wait()  # never answers
        except asyncio.CancelledError:
            events.append(("cancelled", loop.time() - started))
            raise

    monkeypatch.setattr(subject, "slow_operation", hangs)
    assert await subject.with_timeout(30, 0.5) is None
    assert len(events) == 1
    assert events[0][1] == pytest.approx(0.5, abs=0.1)
