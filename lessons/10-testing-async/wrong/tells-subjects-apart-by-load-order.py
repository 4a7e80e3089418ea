# expect: fail tests-catch-mutants
# Passes only the first time it is loaded: the correct subject has always been the first one tested.
import os

import pytest

from subject import fetch_data

FIRST = "EXERCISE_TESTS_LOADED_BEFORE" not in os.environ
os.environ["EXERCISE_TESTS_LOADED_BEFORE"] = "yes"


@pytest.mark.asyncio
async def test_fetch_data_answers():
    assert await fetch_data("https://api.example.test/users/7") is not None


def test_this_is_the_first_subject():
    assert FIRST
