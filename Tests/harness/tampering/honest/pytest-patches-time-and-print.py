# honest: a testing lesson's tests that patch time, print and asyncio.sleep for the length of a test (pytest undoes it)
# lesson: 10-testing-async
import asyncio
import builtins
import time
from unittest import mock

import pytest

import subject
from subject import fetch_data, slow_operation, with_timeout

URL = "https://api.example.test/users/7"


@pytest.mark.asyncio
async def test_fetch_data_returns_the_url_and_its_data(monkeypatch):
    monkeypatch.setattr(time, "monotonic", lambda: 0.0)
    monkeypatch.setattr(builtins, "print", lambda *args, **kwargs: None)
    result = await fetch_data(URL)
    assert result == {"url": URL, "data": "result"}


@pytest.mark.asyncio
async def test_fetch_data_takes_one_second():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await fetch_data(URL)
    assert loop.time() - start == pytest.approx(1.0)


@pytest.mark.asyncio
async def test_slow_operation_reports_its_delay():
    with mock.patch("builtins.print"):
        assert await slow_operation(0.5) == "Completed after 0.5s"


@pytest.mark.asyncio
async def test_with_timeout_returns_the_result_just_in_time():
    assert await with_timeout(0.9, 1.0) == "Completed after 0.9s"


@pytest.mark.asyncio
async def test_with_timeout_gives_up_at_the_limit():
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await with_timeout(5, 2) is None
    assert loop.time() - start == pytest.approx(2.0)


@pytest.mark.asyncio
async def test_with_timeout_cancels_the_slow_operation(monkeypatch):
    stand_in = mock.AsyncMock(side_effect=asyncio.sleep)
    monkeypatch.setattr(subject, "slow_operation", stand_in)
    assert await with_timeout(60, 1) is None
    assert stand_in.await_count == 1
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
