# expect: fail unawaited
import asyncio


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": url, "data": "result"}


async def main() -> None:
    print(await fetch_data("https://api.example.com"))


if __name__ == "__main__":
    main()
