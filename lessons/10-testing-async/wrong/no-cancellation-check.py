# expect: fail tests-catch-mutants
import asyncio

import pytest

from subject import fetch_data, slow_operation, with_timeout

URL = "https://api.example.test/users/7"


@pytest.mark.asyncio
async def test_fetch_data_returns_the_url_and_its_data():
    result = await fetch_data(URL)
    assert result["url"] == URL
    assert isinstance(result["data"], str)


@pytest.mark.asyncio
async def test_fetch_data_takes_one_second():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await fetch_data(URL)
    assert loop.time() - start == pytest.approx(1.0, abs=0.1)


@pytest.mark.asyncio
async def test_slow_operation_reports_its_delay():
    assert await slow_operation(0.5) == "Completed after 0.5s"


@pytest.mark.asyncio
async def test_with_timeout_returns_the_result_just_in_time():
    assert await with_timeout(0.9, 1.0) == "Completed after 0.9s"


@pytest.mark.asyncio
async def test_with_timeout_gives_up_at_the_limit():
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert await with_timeout(5, 2) is None
    assert loop.time() - start == pytest.approx(2.0, abs=0.1)
