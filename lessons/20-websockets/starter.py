import asyncio
from typing import AsyncIterator

import websockets


async def chat(url: str, outgoing: AsyncIterator[str], *, heartbeat: float) -> list[str]:
    # TODO: this sends everything, then listens: sending and receiving should happen
    # at the same time. It also has no heartbeat, never reconnects, and never closes.
    received: list[str] = []
    ws = await websockets.connect(url, ping_interval=None)
    async for message in outgoing:
        await ws.send(message)
    await ws.send("bye")
    async for message in ws:
        if message == "bye":
            break
        received.append(message)
    return received
