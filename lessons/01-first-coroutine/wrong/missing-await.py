# expect: fail unawaited
import asyncio


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": url, "data": "result"}


async def main() -> None:
    result = fetch_data("https://api.example.com")
    print(result)


if __name__ == "__main__":
    asyncio.run(main())
