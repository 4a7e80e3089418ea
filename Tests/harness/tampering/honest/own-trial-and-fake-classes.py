# honest: the learner's own classes named like the grader's, patched freely (they are the learner's)
# lesson: 02-gather
import asyncio


class Trial:
    def expect(self, condition):
        return condition


class FakeAsync:
    peak = 0


Trial.expect = lambda self, condition: bool(condition)
FakeAsync.peak = 4


def scenario(function):
    return function


@scenario
async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(uid) for uid in user_ids)))
