# expect: fail behaviour
import asyncio

URL = "https://api.example.com"


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    return {"url": URL, "data": "result"}


async def main() -> None:
    print(await fetch_data(URL))


if __name__ == "__main__":
    asyncio.run(main())
