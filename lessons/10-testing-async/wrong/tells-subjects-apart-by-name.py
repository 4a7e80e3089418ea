# expect: fail tests-catch-mutants
# Tells the correct subject from the broken ones by its file name instead of by what it does.
import pytest

import subject
from subject import fetch_data


@pytest.mark.asyncio
async def test_fetch_data_answers():
    assert await fetch_data("https://api.example.test/users/7") is not None


def test_the_subject_is_the_correct_one():
    assert "correct" in subject.__file__
