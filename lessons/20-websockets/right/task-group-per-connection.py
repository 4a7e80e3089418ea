import asyncio
from typing import AsyncIterator

import websockets


class ServerSaidBye(Exception):
    """Ends the connection's task group once the conversation is over."""


async def chat(url: str, outgoing: AsyncIterator[str], *, heartbeat: float) -> list[str]:
    received: list[str] = []
    pending: asyncio.Queue[str] = asyncio.Queue()

    async def read_outgoing() -> None:
        async for text in outgoing:
            pending.put_nowait(text)
        pending.put_nowait("bye")

    async def send(ws: websockets.ClientConnection) -> None:
        while True:
            await ws.send(await pending.get())

    async def receive(ws: websockets.ClientConnection) -> None:
        async for text in ws:
            if text == "bye":
                await ws.close()
                raise ServerSaidBye
            received.append(text)

    async with asyncio.TaskGroup() as outer:
        reader = outer.create_task(read_outgoing())  # lives as long as the chat, not one connection
        async for ws in websockets.connect(url, ping_interval=heartbeat):
            over = False
            try:
                async with asyncio.TaskGroup() as connection:
                    connection.create_task(send(ws))
                    connection.create_task(receive(ws))
            except* ServerSaidBye:
                over = True  # (`return` is not allowed in except*)
            except* websockets.ConnectionClosedError:
                pass  # dropped: the group cancelled the sender; the loop connects again
            if over:
                reader.cancel()
                return received
    return received
