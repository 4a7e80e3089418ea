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

    last_sent: list[str] = []

    async def sender(ws: websockets.ClientConnection) -> None:
        if last_sent:
            await ws.send(last_sent[-1])  # "in case it was lost in the drop": but it may well have arrived
        while True:
            message = await to_send.get()
            await ws.send(message)
            last_sent.append(message)

    pumping = asyncio.create_task(pump())
    try:
        # Iterating over connect() reconnects after a dropped connection.
        async for ws in websockets.connect(url, ping_interval=heartbeat, ping_timeout=heartbeat):
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
