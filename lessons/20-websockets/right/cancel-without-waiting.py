import asyncio
from typing import AsyncIterator

import websockets


async def chat(url: str, outgoing: AsyncIterator[str], *, heartbeat: float) -> list[str]:
    received: list[str] = []
    outbox: asyncio.Queue[str] = asyncio.Queue()

    async def fill_outbox() -> None:
        async for message in outgoing:
            await outbox.put(message)
        await outbox.put("bye")

    filling = asyncio.create_task(fill_outbox())
    try:
        async for ws in websockets.connect(url, ping_interval=heartbeat):
            async def send_all() -> None:
                while True:
                    await ws.send(await outbox.get())

            sender = asyncio.create_task(send_all())
            try:
                async for message in ws:
                    if message == "bye":
                        await ws.close()
                        return received
                    received.append(message)
            except websockets.ConnectionClosedError:
                continue
            finally:
                sender.cancel()  # as in the lesson's example: cancelled, not awaited
    finally:
        filling.cancel()
    return received
