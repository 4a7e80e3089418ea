"""Grades 20-websockets: a chat client that sends and receives at once, pings, reconnects and closes.

The grader runs a real WebSocket server (the websockets library) on 127.0.0.1 inside
the grade, on the virtual clock. It pushes news at its own times while the client's
messages come from the grader's slow async iterator; it notes when each message
arrives, counts the client's pings, can drop a connection, and records how each
connection ended.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, AsyncIterator

import websockets

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour", "concurrency"]
REQUIRES = ['websockets']  # third-party packages (requirements.txt) the exercise imports
SIGNATURE = "async def chat(url: str, outgoing: AsyncIterator[str], *, heartbeat: float) -> list[str]"


class PingCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.pings = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "< %s" and record.args and "PING" in str(record.args[0]):
            self.pings += 1


class ChatServer:
    def __init__(self, t: Trial, news: list[tuple[float, str]], *, drop_after: int | None = None) -> None:
        self.t = t
        self.news = news  # (delay before it, text)
        self.next_news = 0
        self.drop_after = drop_after  # drop the first connection after this many client messages
        self.got: list[tuple[str, float]] = []
        self.connections = 0
        self.open = 0
        self.endings: list[str] = []
        self.pings = PingCounter()
        self.logger = logging.getLogger(f"asynclings.chat.{id(self)}")
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False
        self.logger.addHandler(self.pings)

    async def push(self, ws: Any) -> None:
        while self.next_news < len(self.news):
            delay, text = self.news[self.next_news]
            await asyncio.sleep(delay)
            await ws.send(text)
            self.next_news += 1

    async def handler(self, ws: Any) -> None:
        self.connections += 1
        self.open += 1
        first = self.connections == 1
        pusher = asyncio.create_task(self.push(ws))
        try:
            async for message in ws:
                if message == "bye":
                    await pusher
                    await ws.send("bye")
                    await ws.wait_closed()
                    break
                self.got.append((message, self.t.now))
                if first and self.drop_after is not None and len(self.got) == self.drop_after:
                    ws.transport.abort()  # the server goes away without a closing handshake
                    break
        except websockets.ConnectionClosed:
            pass
        finally:
            pusher.cancel()
            await asyncio.gather(pusher, return_exceptions=True)
            rcvd = ws.protocol.close_rcvd
            self.endings.append("client closed cleanly (1000)" if rcvd is not None and rcvd.code == 1000 else
                                f"no closing handshake from the client (code {ws.close_code})")
            self.open -= 1


class Outgoing:
    """The learner's `outgoing`: messages written at the grader's times, whether or not anybody is reading yet."""

    def __init__(self, t: Trial, plan: list[tuple[float, str]]) -> None:
        self.made: dict[str, float] = {}
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.writer = t.spawn(self.write(t, plan))

    async def write(self, t: Trial, plan: list[tuple[float, str]]) -> None:
        for delay, text in plan:
            await asyncio.sleep(delay)
            self.made[text] = t.now
            self.queue.put_nowait(text)
        self.queue.put_nowait(None)

    def __aiter__(self) -> Outgoing:
        return self

    async def __anext__(self) -> str:
        text = await self.queue.get()
        if text is None:
            self.queue.put_nowait(None)  # exhausted for good
            raise StopAsyncIteration
        return text


async def run(t: Trial, server: ChatServer, plan: list[tuple[float, str]], heartbeat: float) -> tuple[Any, BaseException | None, dict[str, float], bool]:
    chat = t.function("chat", is_async=True, signature=SIGNATURE)
    outgoing = Outgoing(t, plan)
    made = outgoing.made
    got: Any = None
    error: BaseException | None = None
    finished = False
    async with websockets.serve(server.handler, "127.0.0.1", 0, logger=server.logger, ping_interval=None) as listening:
        host, port = listening.sockets[0].getsockname()[:2]
        try:
            async with asyncio.timeout(120):
                got = await t.call(chat, f"ws://{host}:{port}", outgoing, heartbeat=heartbeat)
            finished = True
        except TimeoutError:
            pass
        except (websockets.ConnectionClosed, OSError) as raised:
            error = raised
        for _ in range(50):  # up to 5 s for the server to see every connection end
            if server.open == 0:
                break
            await asyncio.sleep(0.1)
        listening.close()
    outgoing.writer.cancel()
    return got, error, made, finished


def judge(t: Trial, server: ChatServer, plan: list[tuple[float, str]], got: Any, error: BaseException | None, finished: bool) -> bool:
    if error is not None:
        t.fail("behaviour", f"chat raised {type(error).__name__}: {error} when the server dropped the connection. Reconnect "
                            "instead: `async for ws in websockets.connect(url, ...)` connects again after a drop (catch "
                            "`websockets.ConnectionClosedError` inside the loop and `continue`).")
        return False
    if not finished:
        t.fail("behaviour", "chat had not returned after 120 s. It should send \"bye\" when `outgoing` is exhausted, "
                            "collect the server's messages until it answers \"bye\", then close and return.")
        return False
    sent = [m for m, _ in server.got]
    wanted = [text for _, text in plan]
    t.expect("behaviour", sent == wanted, f"the server received {t.show(sent)}; expected every outgoing message once, in "
                                          f"order: {t.show(wanted)}.")
    news = [text for _, text in server.news]
    t.expect("behaviour", got == news, f"chat returned {t.show(got)}; expected the server's messages in order: {t.show(news)}.")
    t.expect("behaviour", server.open == 0 and server.endings and server.endings[-1].startswith("client closed"),
             f"the last connection ended with: {server.endings[-1] if server.endings else 'nothing (still open)'}. After "
             "the server's \"bye\", close the connection (`await ws.close()`, or leave `async with`) so both sides finish "
             "the closing handshake.", "the client closed the connection cleanly")
    return True


NEWS = [(0.3, "news 1"), (0.5, "news 2"), (0.45, "news 3"), (0.7, "news 4"), (0.2, "news 5")]
PLAN = [(0.1, "hello"), (0.25, "how are you"), (0.15, "any news?"), (0.6, "ok"), (0.05, "thanks")]


@scenario("messages go out the moment they are written while the server's news comes in")
async def both_ways(t: Trial) -> None:
    server = ChatServer(t, NEWS)
    got, error, made, finished = await run(t, server, PLAN, heartbeat=1.0)
    if not judge(t, server, PLAN, got, error, finished):
        return
    late = [(m, round(at - made[m], 3)) for m, at in server.got if m in made and at - made[m] > 1e-6]
    t.expect("concurrency", not late,
             f"messages reached the server late (message, seconds after it was written): {late}. Send each message as "
             "soon as `outgoing` yields it, in a task of its own, while another loop receives: do not wait for the "
             "server between sends.", "every message went out at once, while news came in")


@scenario("a quiet stretch: the client keeps the connection alive with pings")
async def quiet(t: Trial) -> None:
    server = ChatServer(t, [(0.2, "news 1"), (0.2, "news 2")])
    plan = [(0.1, "hello"), (6.0, "still there?")]
    got, error, made, finished = await run(t, server, plan, heartbeat=1.0)
    if not judge(t, server, plan, got, error, finished):
        return
    t.expect("behaviour", server.pings.pings >= 4,
             f"during 6 quiet seconds with heartbeat=1.0 the server received {server.pings.pings} ping(s). Pass "
             "`ping_interval=heartbeat` to `websockets.connect` so the library pings every `heartbeat` seconds.",
             "pings kept the quiet connection alive")


@scenario("the server drops the connection: the client reconnects and carries on")
async def dropped(t: Trial) -> None:
    server = ChatServer(t, NEWS, drop_after=2)
    got, error, made, finished = await run(t, server, PLAN, heartbeat=1.0)
    if not judge(t, server, PLAN, got, error, finished):
        return
    t.expect("behaviour", server.connections >= 2, "the server dropped the connection but the client never connected again.",
             "the client reconnected after the drop")
