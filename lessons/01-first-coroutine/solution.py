import asyncio


async def fetch_data(url: str) -> dict:
    """Simulate a network call that takes 1 second, then return the data."""
    await asyncio.sleep(1)
    return {"url": url, "data": "result"}


async def main() -> None:
    result = await fetch_data("https://api.example.com")
    print(result)


if __name__ == "__main__":
    asyncio.run(main())
