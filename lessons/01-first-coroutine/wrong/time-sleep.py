# expect: fail blocking
import asyncio
import time


async def fetch_data(url: str) -> dict:
    time.sleep(1)
    return {"url": url, "data": "result"}


async def main() -> None:
    print(await fetch_data("https://api.example.com"))


if __name__ == "__main__":
    asyncio.run(main())
