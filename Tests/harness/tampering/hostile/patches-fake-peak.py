# attacks: the stand-in's class (FakeAsync.peak made to report every call in flight at once)
# lesson: 02-gather
# names: added `asynclings_harness.fakes.FakeAsync.peak`
import asyncio


async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids):
    for cell in fetch_user.__closure__ or ():
        type(cell.cell_contents).peak = property(lambda fake: len(fake.calls))
    return [await fetch_user(uid) for uid in user_ids]
