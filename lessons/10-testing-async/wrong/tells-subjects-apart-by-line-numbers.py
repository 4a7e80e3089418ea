# expect: fail tests-catch-mutants
# Checks most behaviour, but notices a missing sleep or a leaked task only through line numbers.
import pytest

import subject
from subject import fetch_data, slow_operation, with_timeout

URL = "https://api.example.test/users/7"


@pytest.mark.asyncio
async def test_fetch_data_answers_with_the_url_and_its_data():
    assert await fetch_data(URL) == {"url": URL, "data": "result"}


@pytest.mark.asyncio
async def test_slow_operation_reports_its_delay():
    assert await slow_operation(0.5) == "Completed after 0.5s"


@pytest.mark.asyncio
async def test_with_timeout_returns_the_result_just_in_time():
    assert await with_timeout(0.9, 1.0) == "Completed after 0.9s"


@pytest.mark.asyncio
async def test_with_timeout_gives_up_at_the_limit():
    assert await with_timeout(5, 2) is None


def test_the_code_is_laid_out_as_written():
    lines = [line for _, _, line in subject.with_timeout.__code__.co_lines() if line]
    assert subject.slow_operation.__code__.co_firstlineno == 11
    assert max(lines) == 20
