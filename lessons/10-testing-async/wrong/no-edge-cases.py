# expect: fail tests-catch-mutants
import asyncio

import pytest

import subject
from subject import fetch_data, slow_operation, with_timeout

SLACK = 0.1


@pytest.mark.asyncio
async def test_fetch_data_returns_the_url_and_its_data():
    result = await fetch_data("https://api.example.test/users/7")
    assert result["url"] == "https://api.example.test/users/7"
    assert isinstance(result["data"], str)


@pytest.mark.asyncio
async def test_fetch_data_takes_one_second():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await fetch_data("https://api.example.test/users/7")
    assert loop.time() - start == pytest.approx(1.0, abs=SLACK)


@pytest.mark.asyncio
async def test_slow_operation_reports_its_delay():
    assert await slow_operation(0.5) == "Completed after 0.5s"


@pytest.mark.asyncio
async def test_with_timeout_very_fast():
    # Far from the limit on both sides: a limit that is off by half goes unnoticed.
    assert await with_timeout(0.1, 5) == "Completed after 0.1s"


@pytest.mark.asyncio
async def test_with_timeout_very_slow():
    assert await with_timeout(60, 1) is None


@pytest.mark.asyncio
async def test_with_timeout_cancels_the_slow_operation(monkeypatch):
    cancelled = []

    async def never_finishes(delay):
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError:
            cancelled.append(delay)
            raise

    monkeypatch.setattr(subject, "slow_operation", never_finishes)
    assert await with_timeout(60, 1) is None
    assert cancelled == [60]
