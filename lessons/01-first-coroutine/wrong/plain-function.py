# expect: fail behaviour
import asyncio


def fetch_data(url: str) -> dict:
    return {"url": url, "data": "result"}


async def main() -> None:
    await asyncio.sleep(1)
    print(fetch_data("https://api.example.com"))


if __name__ == "__main__":
    asyncio.run(main())
