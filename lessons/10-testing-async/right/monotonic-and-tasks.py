import asyncio
import time

import pytest

from subject import fetch_data, slow_operation, with_timeout


def elapsed_since(start: float) -> float:
    return time.monotonic() - start


@pytest.mark.asyncio
async def test_fetch_data_answers_for_the_url_after_a_second():
    start = time.monotonic()
    answer = await fetch_data("https://shop.example/cart")
    assert 0.95 <= elapsed_since(start) < 1.2
    assert answer["url"] == "https://shop.example/cart"
    assert isinstance(answer["data"], str)


@pytest.mark.asyncio
@pytest.mark.parametrize("delay", [0.1, 0.25])
async def test_slow_operation_names_its_delay(delay):
    assert await slow_operation(delay) == f"Completed after {delay}s"


@pytest.mark.asyncio
async def test_in_time_the_result_comes_through():
    assert await with_timeout(0.5, 0.8) == "Completed after 0.5s"


@pytest.mark.asyncio
async def test_too_slow_gives_none_at_the_limit_and_leaves_nothing_running():
    start = time.monotonic()
    assert await with_timeout(3, 1) is None
    assert 0.95 <= elapsed_since(start) < 1.2
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    assert others == []
