import asyncio

import pytest

from subject import fetch_data, slow_operation, with_timeout


@pytest.mark.asyncio
async def test_fetch_data():
    result = await fetch_data("https://api.example.com")
    assert result is not None


# TODO: test slow_operation and with_timeout too, and make every test precise enough
# to fail when the code is wrong: exact values, exact timings, what gets cancelled.
