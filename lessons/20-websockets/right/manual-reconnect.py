import asyncio
from typing import AsyncIterator

import websockets
from websockets.exceptions import InvalidStatus


async def chat(url: str, outgoing: AsyncIterator[str], *, heartbeat: float) -> list[str]:
    """Reconnects by hand: a fresh connection after a drop, and growing pauses while the server refuses us."""
    received: list[str] = []
    unsent: asyncio.Queue[str] = asyncio.Queue()

    async def collect() -> None:
        async for message in outgoing:
            await unsent.put(message)
        await unsent.put("bye")

    collecting = asyncio.create_task(collect())
    pause = 0.5
    try:
        while True:
            try:
                async with websockets.connect(url, ping_interval=heartbeat, ping_timeout=heartbeat) as ws:
                    pause = 0.5

                    async def forward() -> None:
                        while True:
                            await ws.send(await unsent.get())

                    forwarding = asyncio.create_task(forward())
                    try:
                        while (message := await ws.recv()) != "bye":
                            received.append(message)
                    finally:
                        forwarding.cancel()
                        await asyncio.gather(forwarding, return_exceptions=True)
                    return received  # leaving `async with` closes the connection with the handshake
            except websockets.ConnectionClosedError:
                continue  # the connection dropped: straight back
            except (OSError, InvalidStatus):
                await asyncio.sleep(pause)  # could not connect: wait longer each time
                pause = min(pause * 2, 10.0)
    finally:
        collecting.cancel()
        await asyncio.gather(collecting, return_exceptions=True)
