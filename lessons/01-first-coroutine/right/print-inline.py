import asyncio


async def fetch_data(url: str) -> dict:
    delay_seconds = 1
    await asyncio.sleep(delay_seconds)
    return dict(url=url, data="hello from the network")


async def main() -> None:
    print("fetched:", await fetch_data("http://localhost:8080/status"))


if __name__ == "__main__":
    asyncio.run(main())
