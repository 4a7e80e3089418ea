# expect: fail behaviour
import asyncio
from typing import AsyncIterator

import websockets


async def chat(url: str, outgoing: AsyncIterator[str], *, heartbeat: float) -> list[str]:
    received: list[str] = []
    async for ws in websockets.connect(url, ping_interval=heartbeat, ping_timeout=heartbeat):
        async def sender() -> None:
            # Reads `outgoing` itself, so it dies with the connection: cancelling it while it waits for the
            # next message ends an async generator for good.
            async for message in outgoing:
                await ws.send(message)
            await ws.send("bye")

        sending = asyncio.create_task(sender())
        try:
            async for message in ws:
                if message == "bye":
                    await ws.close()
                    return received
                received.append(message)
        except websockets.ConnectionClosedError:
            continue
        finally:
            sending.cancel()
            await asyncio.gather(sending, return_exceptions=True)
    return received
