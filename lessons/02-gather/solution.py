import asyncio


async def fetch_user(user_id: int) -> dict:
    """Simulates a 0.5 s call to a user service."""
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}


async def fetch_all_users(user_ids: list[int]) -> list[dict]:
    """Fetches every user concurrently; results follow the order of user_ids."""
    return await asyncio.gather(*(fetch_user(uid) for uid in user_ids))


async def main() -> None:
    users = await fetch_all_users([1, 2, 3, 4, 5])
    print(f"Fetched {len(users)} users")


if __name__ == "__main__":
    asyncio.run(main())
