import asyncio
from pprint import pprint


async def fetch_data(url: str) -> dict:
    await asyncio.sleep(1)
    body = "<html>...</html>"
    return {"url": url, "data": body}


async def main() -> None:
    task = asyncio.create_task(fetch_data("https://example.org/index.html"))
    result = await task
    pprint(result)


def run() -> None:
    asyncio.run(main())


if __name__ == "__main__":
    run()
