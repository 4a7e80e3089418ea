# honest: unittest.mock on the learner's own function, in a self-check that runs at import
# lesson: 02-gather
import asyncio
from unittest import mock


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))


def _self_check():
    stand_in = mock.AsyncMock(side_effect=lambda uid: {"id": uid})
    with mock.patch(f"{__name__}.fetch_user", stand_in):
        coroutine = fetch_all_users([1, 2])
        coroutine.close()  # built, never run: importing must not start an event loop
    assert fetch_user is not stand_in


_self_check()
