import asyncio


async def fetch_user(user_id: int) -> dict:
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch_user(user_id)) for user_id in user_ids]
    return [task.result() for task in tasks]
