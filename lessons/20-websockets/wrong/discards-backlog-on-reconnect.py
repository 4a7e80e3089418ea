# expect: fail behaviour
import asyncio
from typing import AsyncIterator

import websockets


async def chat(url: str, outgoing: AsyncIterator[str], *, heartbeat: float) -> list[str]:
    received: list[str] = []
    to_send: asyncio.Queue[str] = asyncio.Queue()

    async def pump() -> None:  # reads `outgoing` once, whatever happens to the connections
        async for message in outgoing:
            await to_send.put(message)
        await to_send.put("bye")

    async def sender(ws: websockets.ClientConnection) -> None:
        while True:
            message = await to_send.get()
            await ws.send(message)

    pumping = asyncio.create_task(pump())
    try:
        # Iterating over connect() reconnects after a dropped connection.
        async for ws in websockets.connect(url, ping_interval=heartbeat, ping_timeout=heartbeat):
            while not to_send.empty():
                to_send.get_nowait()  # "what piled up while we were offline is stale": but it was never sent
            sending = asyncio.create_task(sender(ws))
            try:
                async for message in ws:  # receive while `sending` sends
                    if message == "bye":
                        await ws.close()  # the closing handshake, code 1000
                        return received
                    received.append(message)
            except websockets.ConnectionClosedError:
                continue  # dropped: connect again
            finally:
                sending.cancel()
                await asyncio.gather(sending, return_exceptions=True)
        return received
    finally:
        pumping.cancel()
        await asyncio.gather(pumping, return_exceptions=True)
