"""Grades 20-websockets: a chat client that sends and receives at once, pings, reconnects and closes.

The grader runs a real WebSocket server (the websockets library) on 127.0.0.1 inside
the grade, on the virtual clock. It pushes news at its own times while the client's
messages come from the grader's slow `outgoing`, in both shapes `AsyncIterator[str]`
allows: an async generator (cancelling a task that waits on it ends it for good) and
a queue-backed iterator (which survives that). The server notes when each message
arrives, counts the client's pings, can drop a connection, and records how each
connection ended. What "Your exercise" asks, and the scenario that checks it:

- connect with a ping every `heartbeat` seconds → *a quiet stretch* (`behaviour`;
  wrong/no-heartbeat)
- send each message the moment it is produced, while receiving → *messages go out the
  moment they are written* (`concurrency`; wrong/lockstep)
- when `outgoing` is exhausted send "bye"; return the server's messages in order,
  without its "bye" → every scenario (`behaviour`)
- close the connection cleanly → every scenario: the server sees the closing
  handshake (wrong/never-closes)
- on a drop, reconnect and carry on, keeping what was received → *the server drops
  the connection*, with each shape of `outgoing` (wrong/no-reconnect,
  wrong/per-connection-sender: it only loses messages with the async generator)
- send nothing twice → every drop scenario (wrong/resend-last-message)
- every message not yet written to the dropped connection goes over the next one, and
  the client keeps trying while the server refuses new connections → *the server drops
  the connection mid-burst and refuses new ones for a while*: messages written at the
  moment of the drop may be lost, later ones may not (wrong/discards-backlog-on-reconnect)
"""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
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
    def __init__(self, t: Trial, news: list[tuple[float, str]], *, drop_after: int | None = None,
                 outage: float = 0.0) -> None:
        self.t = t
        self.news = news  # (delay before it, text)
        self.next_news = 0
        self.drop_after = drop_after  # drop the first connection after this many client messages
        self.outage = outage  # after the drop, refuse new connections (503) for this long
        self.dropped_at: float | None = None
        self.refused = 0  # connection attempts refused during the outage
        self.got: list[tuple[str, float]] = []
        self.connections = 0
        self.open = 0
        self.endings: list[str] = []
        self.pings = PingCounter()
        self.logger = logging.getLogger(f"asynclings.chat.{id(self)}")
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False
        self.logger.addHandler(self.pings)

    def unreachable(self) -> bool:
        """Whether the server is still "restarting" after the drop."""
        return self.dropped_at is not None and self.t.now < self.dropped_at + self.outage - 1e-9

    def process_request(self, connection: Any, request: Any) -> Any:
        """Refuses the opening handshake with a 503 while the server is restarting."""
        if self.unreachable():
            self.refused += 1
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "restarting, try again later\n")
        return None

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
                    self.dropped_at = self.t.now
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


class QueuedOutgoing:
    """`outgoing` backed by a queue: messages are written at the grader's times, whether or not anybody reads yet.

    A reader cancelled while waiting for the next message loses nothing: the message stays in the queue.
    """

    def __init__(self, t: Trial, plan: list[tuple[float, str]]) -> None:
        self.made: dict[str, float] = {}
        self.ended_by_cancellation: float | None = None  # never: a queue survives a cancelled reader
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.writer = t.spawn(self.write(t, plan))

    async def write(self, t: Trial, plan: list[tuple[float, str]]) -> None:
        for delay, text in plan:
            await asyncio.sleep(delay)
            self.made[text] = t.now
            self.queue.put_nowait(text)
        self.queue.put_nowait(None)

    def __aiter__(self) -> QueuedOutgoing:
        return self

    async def __anext__(self) -> str:
        text = await self.queue.get()
        if text is None:
            self.queue.put_nowait(None)  # exhausted for good
            raise StopAsyncIteration
        return text

    def stop(self) -> None:
        self.writer.cancel()


class GeneratedOutgoing:
    """`outgoing` as an async generator: each message is written when the reader asks for the next one.

    Cancelling a reader that waits on it raises CancelledError inside the generator,
    which ends it for good: every later `__anext__` raises StopAsyncIteration.
    """

    def __init__(self, t: Trial, plan: list[tuple[float, str]]) -> None:
        self.made: dict[str, float] = {}
        self.ended_by_cancellation: float | None = None  # when a cancelled reader ended the generator
        self.generator = self.write(t, plan)

    async def write(self, t: Trial, plan: list[tuple[float, str]]) -> AsyncIterator[str]:
        for delay, text in plan:
            try:
                await asyncio.sleep(delay)
            except asyncio.CancelledError:
                self.ended_by_cancellation = t.now
                raise
            self.made[text] = t.now
            yield text

    def __aiter__(self) -> AsyncIterator[str]:
        return self.generator

    async def __anext__(self) -> str:
        return await self.generator.__anext__()

    def stop(self) -> None:
        pass  # a generator does nothing unless asked


Outgoing = QueuedOutgoing | GeneratedOutgoing
SHAPES = {"queue": QueuedOutgoing, "generator": GeneratedOutgoing}


async def run(t: Trial, server: ChatServer, plan: list[tuple[float, str]], heartbeat: float,
              shape: str = "queue") -> tuple[Any, BaseException | None, Outgoing, bool]:
    chat = t.function("chat", is_async=True, signature=SIGNATURE)
    outgoing = SHAPES[shape](t, plan)
    got: Any = None
    error: BaseException | None = None
    finished = False
    async with websockets.serve(server.handler, "127.0.0.1", 0, logger=server.logger, ping_interval=None,
                                process_request=server.process_request) as listening:
        host, port = listening.sockets[0].getsockname()[:2]
        try:
            async with asyncio.timeout(120):
                got = await t.call(chat, f"ws://{host}:{port}", outgoing, heartbeat=heartbeat)
            finished = True
        except TimeoutError:
            pass
        except (websockets.ConnectionClosed, websockets.InvalidHandshake, OSError) as raised:
            error = raised
        for _ in range(50):  # up to 5 s for the server to see every connection end
            if server.open == 0:
                break
            await asyncio.sleep(0.1)
        listening.close()
    outgoing.stop()
    return got, error, outgoing, finished


def judge(t: Trial, server: ChatServer, plan: list[tuple[float, str]], got: Any, error: BaseException | None,
          finished: bool, outgoing: Outgoing) -> bool:
    if error is not None:
        when = ("when the server dropped the connection" if isinstance(error, websockets.ConnectionClosed) else
                "while the server was refusing new connections after a drop")
        t.fail("behaviour", f"chat raised {type(error).__name__}: {error}, {when}. Dropped connections, and a server "
                            "that takes a while to come back, are part of the job: keep trying to connect, and carry "
                            "on with the messages received so far and the ones still to send.")
        return False
    if not finished:
        if not judge_delivery(t, server, plan, outgoing):
            t.consequences("behaviour", "leaked-tasks")  # the connection it was still using, and its keepalive
            return False  # what was lost (the "bye" with it, most likely) says more than the wait
        t.fail("behaviour", "chat had not returned after 120 s. It should send \"bye\" when `outgoing` is exhausted, "
                            "collect the server's messages until it answers \"bye\", then close and return.")
        t.consequences("behaviour", "leaked-tasks")  # the connection it was still using, and its keepalive
        return False
    judge_delivery(t, server, plan, outgoing)
    news = [text for _, text in server.news]
    t.expect("behaviour", got == news, f"chat returned {t.show(got)}; expected the server's messages in order: {t.show(news)}.")
    closed = server.open == 0 and bool(server.endings) and server.endings[-1].startswith("client closed")
    if not closed:
        t.consequences("behaviour", "leaked-tasks")  # an open connection keeps the library's keepalive task running
    t.expect("behaviour", closed,
             f"the last connection ended with: {server.endings[-1] if server.endings else 'nothing (still open)'}. After "
             "the server's \"bye\", the client should close the connection with the closing handshake, so that both "
             "sides know the conversation ended on purpose.", "the client closed the connection cleanly")
    return True


def judge_delivery(t: Trial, server: ChatServer, plan: list[tuple[float, str]], outgoing: Outgoing) -> bool:
    """Every message once, in order; only a message written at the moment of a drop may be lost. True when so."""
    sent = [m for m, _ in server.got]
    wanted = [text for _, text in plan]
    twice = sorted({m for m in sent if sent.count(m) > 1})
    if twice:
        t.fail("behaviour", f"the server received {t.show(twice[0])} {sent.count(twice[0])} times (it received "
                            f"{t.show(sent)}): every message should be sent once. Resending after a reconnect is not "
                            "safe without knowing what arrived, which a WebSocket does not tell you.")
        return False
    if [m for m in wanted if m in sent] != sent:
        t.fail("behaviour", f"the server received {t.show(sent)}, out of the order they were written ({t.show(wanted)}).")
        return False
    dropped_at = server.dropped_at
    excused = {m for m, at in outgoing.made.items()
               if dropped_at is not None and at <= dropped_at + 1e-9 and m not in sent}
    lost = [m for m in wanted if m not in sent and m not in excused]
    if not lost:
        t.passed("behaviour")
        return True
    if outgoing.ended_by_cancellation is not None:
        why = (f"`outgoing` is an async generator here, and at {outgoing.ended_by_cancellation:g} s the task waiting "
               "for its next message was cancelled: that ends a generator for good, so it produced nothing more. Read "
               "`outgoing` once, from a task that lives as long as the whole chat, not from one that dies with a "
               "connection.")
    elif dropped_at is not None:
        outage = (f" (the server refused new connections until {dropped_at + server.outage:g} s, so they were written "
                  "while no connection existed)" if server.outage else "")
        why = (f"they were written after the connection dropped at {dropped_at:g} s{outage}, and should have gone out "
               "over the next connection: messages waiting to be sent belong to the chat, not to one connection.")
    else:
        why = "every message `outgoing` produces should reach the server, before the \"bye\"."
    t.fail("behaviour", f"the server never received {t.show(lost)} (it received {t.show(sent)}): {why}")
    return False


NEWS = [(0.3, "news 1"), (0.5, "news 2"), (0.45, "news 3"), (0.7, "news 4"), (0.2, "news 5")]
PLAN = [(0.1, "hello"), (0.25, "how are you"), (0.15, "any news?"), (0.6, "ok"), (0.05, "thanks")]


@scenario("messages go out the moment they are written while the server's news comes in")
async def both_ways(t: Trial) -> None:
    server = ChatServer(t, NEWS)
    # Queue-backed: messages are written at fixed times, read or not, so a late send shows.
    got, error, outgoing, finished = await run(t, server, PLAN, heartbeat=1.0, shape="queue")
    if not judge(t, server, PLAN, got, error, finished, outgoing):
        return
    made = outgoing.made
    late = [(m, round(at - made[m], 3)) for m, at in server.got if m in made and at - made[m] > 1e-6]
    t.expect("concurrency", not late,
             f"messages reached the server late (message, seconds after it was written): {late}. Each message should "
             "go out as soon as `outgoing` yields it, while receiving goes on at the same time: sending must not wait "
             "for the server's answers.", "every message went out at once, while news came in")


@scenario("a quiet stretch: the client keeps the connection alive with pings")
async def quiet(t: Trial) -> None:
    server = ChatServer(t, [(0.2, "news 1"), (0.2, "news 2")])
    plan = [(0.1, "hello"), (6.0, "still there?")]
    got, error, outgoing, finished = await run(t, server, plan, heartbeat=1.0, shape="generator")
    if not judge(t, server, plan, got, error, finished, outgoing):
        return
    t.expect("behaviour", server.pings.pings >= 4,
             f"during 6 quiet seconds with heartbeat=1.0 the server received {server.pings.pings} ping(s). The "
             "connection should ping every `heartbeat` seconds (the websockets library does it for you when asked).",
             "pings kept the quiet connection alive")


async def dropped(t: Trial, shape: str) -> None:
    server = ChatServer(t, NEWS, drop_after=2)
    got, error, outgoing, finished = await run(t, server, PLAN, heartbeat=1.0, shape=shape)
    if not judge(t, server, PLAN, got, error, finished, outgoing):
        return
    t.expect("behaviour", server.connections >= 2, "the server dropped the connection but the client never connected again.",
             "the client reconnected after the drop")


@scenario("the server drops the connection: the client reconnects and carries on (a queue-backed outgoing)")
async def dropped_queue(t: Trial) -> None:
    await dropped(t, "queue")


@scenario("the server drops the connection: the client reconnects and carries on (an async generator outgoing)")
async def dropped_generator(t: Trial) -> None:
    await dropped(t, "generator")


# A burst: the server drops the connection right after "two", as "three" and "four" are written, then
# refuses new connections for a while; "five" and "six" are written while it is unreachable.
BURST = [(0.1, "one"), (0.15, "two"), (0.0, "three"), (0.0, "four"), (0.4, "five"), (0.3, "six")]
OUTAGE = 1.5


@scenario("the server drops the connection mid-burst and refuses new ones for a while: nothing twice, nothing later lost")
async def dropped_mid_burst(t: Trial) -> None:
    server = ChatServer(t, NEWS, drop_after=2, outage=OUTAGE)
    got, error, outgoing, finished = await run(t, server, BURST, heartbeat=1.0, shape="generator")
    if not judge(t, server, BURST, got, error, finished, outgoing):
        return
    t.expect("behaviour", server.refused >= 1 and server.connections >= 2,
             f"the server refused {server.refused} connection attempt(s) while restarting and accepted "
             f"{server.connections} connection(s): the client should keep trying until the server takes it back.",
             "the client kept trying until the server was back")
