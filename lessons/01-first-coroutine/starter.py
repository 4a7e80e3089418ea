import asyncio


def fetch_data(url: str) -> dict:
    """Simulate a network call that takes 1 second, then return the data."""
    # TODO: make this a coroutine and pause for 1 second without blocking.
    return {"url": url, "data": "result"}


async def main() -> None:
    # TODO: await fetch_data for one URL and print what it returns.
    pass


# TODO: run main() with asyncio.run when this file is run as a script.
