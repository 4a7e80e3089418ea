import asyncio

API = "https://jsonplaceholder.example/posts/1"


async def fetch_data(url: str) -> dict:
    """Pretend to ask a server for `url`: the answer comes back a second later."""
    await asyncio.sleep(1.0)
    return {"url": url, "data": f"payload of {url}"}


async def main() -> None:
    result = await fetch_data(API)
    print(f"{result['url']}: {result['data']}")


if __name__ == "__main__":
    asyncio.run(main())
