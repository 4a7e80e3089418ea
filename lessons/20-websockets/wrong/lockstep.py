# expect: fail concurrency
import asyncio
from typing import AsyncIterator

import websockets


async def chat(url: str, outgoing: AsyncIterator[str], *, heartbeat: float) -> list[str]:
    received: list[str] = []
    async for ws in websockets.connect(url, ping_interval=heartbeat, ping_timeout=heartbeat):
        try:
            async for message in outgoing:
                await ws.send(message)
                received.append(await ws.recv())  # waits for the server before sending the next one
            await ws.send("bye")
            async for message in ws:
                if message == "bye":
                    await ws.close()
                    return received
                received.append(message)
        except websockets.ConnectionClosedError:
            continue
    return received
