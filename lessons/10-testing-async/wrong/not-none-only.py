# expect: fail tests-catch-mutants
import asyncio

import pytest

import subject
from subject import fetch_data, slow_operation, with_timeout

SLACK = 0.1


@pytest.mark.asyncio
async def test_fetch_data_answers():
    assert await fetch_data("https://api.example.test/users/7") is not None


@pytest.mark.asyncio
async def test_fetch_data_takes_one_second():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await fetch_data("https://api.example.test/users/7")
    assert loop.time() - start == pytest.approx(1.0, abs=SLACK)


@pytest.mark.asyncio
async def test_slow_operation_answers():
    assert await slow_operation(0.5)


@pytest.mark.asyncio
async def test_with_timeout_gives_up_at_the_limit():
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await with_timeout(5, 2) is None
    assert loop.time() - start == pytest.approx(2.0, abs=SLACK)


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
