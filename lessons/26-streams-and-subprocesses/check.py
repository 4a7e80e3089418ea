"""Grades 26-streams-and-subprocesses: a line-protocol server and client, and a child process.

Everything is real and runs inside the grade, on the virtual clock: the grader's
clients talk to the learner's server over loopback TCP, the learner's client talks to
the grader's server, and `run_command` runs real child processes (the grader's child
program, `asynclings_harness/child.py`, whose sleeps are virtual, and `/bin/sh`). The
grader's `lines_of` counts how much of a document the learner's server has taken, so a
server that reads ahead of a slow client shows; the harness's child ledger knows, for
each child, whether it was killed, whether its exit status was collected, and whether
it was stuck writing into a full pipe.
What "Your exercise" asks, and the scenario that checks it:

- `serve_documents(port)` starts a server with `asyncio.start_server` on 127.0.0.1 and
  returns it → every server scenario (`behaviour`; wrong/server-not-returned)
- a client may send many requests over one connection: `GET name` is answered with the
  document's lines, then `.` → *two clients fetch documents from your server*
  (`behaviour`; wrong/server-closes-after-one-document)
- `QUIT`, or the end of the client's input, makes the server close the connection →
  the same scenario: one client ends with QUIT, the other by closing its side
  (`behaviour`; wrong/server-ignores-quit. A handler that ignores the end of its input
  either spins on `b""` until the real-time budget runs out or leaves the connection to
  the garbage collector; no variant stands for it)
- the server takes lines from `lines_of` no faster than the client reads them (it waits
  on `drain()`) → *a slow client reads a long document* (`behaviour`: never more than
  AHEAD_LIMIT bytes ahead of what the client has read; wrong/server-never-drains)
- `fetch_documents` uses one connection (`asyncio.open_connection`), sends `GET name`
  for each name, reads each document up to its `.` and returns them by name → *your
  client fetches documents from the grader's server*, which answers in fragments
  (`behaviour`; wrong/connection-per-document)
- then it sends `QUIT`, closes the connection and waits until it is closed → the same
  scenario: the grader's server saw QUIT, and the client's socket is closed when
  `fetch_documents` returns (`behaviour`; wrong/client-no-quit, wrong/client-never-closes,
  wrong/client-does-not-wait-closed)
- `run_command` runs `argv` itself with `asyncio.create_subprocess_exec` (no shell) and
  returns (exit code, stdout, stderr) as text, whatever the exit code → *run_command
  reports exit code and output* with the grader's program and `/bin/sh` given arguments a
  shell would change, both exiting with codes other than 0 (`behaviour`;
  wrong/shell-string, wrong/raises-on-failure)
- both pipes are read at the same time, so a command may fill either → *a command with
  a lot to say on both pipes*, 300 KB on each, stderr first and then stdout first
  (`deadlock`: the pipe-buffer deadlock, whether the learner's timeout ends it or
  nothing does; wrong/reads-stdout-then-stderr, wrong/waits-before-reading)
- after `timeout` seconds it kills the command, waits for it to exit, and raises
  TimeoutError → *a command that does not finish in time* (`behaviour`: TimeoutError at
  exactly `timeout`, wrong/no-timeout; `cancellation`: killed and its exit status
  collected when the error arrives, wrong/timeout-leaves-process-running,
  wrong/kill-without-wait)
- (the lesson's premise) no synchronous subprocess on the loop → generic `blocking`
  (wrong/subprocess-run-on-the-loop)
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import sys
from typing import Any, AsyncIterator

from asynclings_harness import Trial, scenario

CHECKS = ["behaviour", "cancellation"]

SERVE = "async def serve_documents(port: int) -> asyncio.Server"
FETCH = "async def fetch_documents(host: str, port: int, names: list[str]) -> dict[str, list[str]]"
RUN = "async def run_command(argv: list[str], timeout: float) -> tuple[int, str, str]"

END = "."
NEWLINE = b"\n"
AHEAD_LIMIT = 384 * 1024  # bytes a server may have taken from lines_of beyond what the client read
PATIENCE = 5.0  # virtual seconds the grader's clients wait for an answer before calling it missing
BIG = ("x" * 999 + "\n", 300)  # 300 KB: more than a pipe (64 KiB) and asyncio's reader buffer (128 KiB) hold


# -- documents ---------------------------------------------------------------------------------


def documents(t: Trial) -> dict[str, list[str]]:
    """The grader's documents: an empty one, empty lines, non-ASCII text, a long line, a long document."""
    rng = t.random
    return {
        "notes": ["first", "", "café crème", " indented", ".. not the end", "last"],
        "empty": [],
        "wide": ["w" * 10_000, "short"],
        "log": [f"{n:05d} " + "event " * rng.randint(1, 12) for n in range(rng.randint(200, 400))],
        # ~530 KB: well past every buffer (a draining server stays ~140 KB ahead of its reader), and no
        # bigger: 3.12 and 3.13 sum the transport's buffer on every write, so a server that never drains
        # spends time quadratic in the document's lines, and a real-time budget must not decide its verdict.
        "big": [f"{n:06d} " + "y" * (90 + n % 17) for n in range(5_000)],
    }


class Library:
    """The grader's `lines_of`: hands out documents, and counts how much of each was taken."""

    def __init__(self, docs: dict[str, list[str]]) -> None:
        self.docs = docs
        self.taken = 0  # bytes of lines handed out (with their newlines)

    def lines_of(self, name: str) -> AsyncIterator[str]:
        return self._lines(name)

    async def _lines(self, name: str) -> AsyncIterator[str]:
        for number, line in enumerate(self.docs.get(name, [])):
            self.taken += len(line.encode()) + 1
            yield line
            if number % 500 == 499:
                await asyncio.sleep(0)  # a real source waits now and then


def reply(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode() + END.encode() + b"\n"


# -- the grader's client, for the learner's server ----------------------------------------------


class Client:
    """One connection of the grader's to the learner's server; records what went wrong, in words."""

    def __init__(self, t: Trial, name: str) -> None:
        self.t = t
        self.name = name
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.consumed = 0
        self.problem: str | None = None

    async def connect(self, host: str, port: int, *, receive_buffer: int | None = None) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (host, port))
        self.reader, self.writer = await asyncio.open_connection(sock=sock, limit=16_384)

    async def send(self, line: str) -> None:
        assert self.writer is not None
        self.writer.write(line.encode() + b"\n")
        await self.writer.drain()

    async def receive_document(self, name: str, on_read: Any = None) -> list[str] | None:
        """Reads one reply up to its `.` line; None (and a problem) if it never comes."""
        assert self.reader is not None
        data = bytearray()
        while not (data == b".\n" or data[-3:] == b"\n.\n"):
            try:
                async with asyncio.timeout(PATIENCE):
                    chunk = await self.reader.read(65_536)
            except TimeoutError:
                lines = self.t.count(data.count(NEWLINE), "line")
                self.problem = (f"{self.name} sent `GET {name}` and waited {PATIENCE:g} s, but the answer never ended with "
                                f"a `.` line (it had {lines})")
                return None
            if not chunk:
                lines = self.t.count(data.count(NEWLINE), "line")
                self.problem = (f"{self.name} sent `GET {name}`, and the server closed the connection after "
                                f"{lines} of the answer, before its `.` line")
                return None
            data += chunk
            self.consumed += len(chunk)
            if on_read is not None:
                on_read()
        return bytes(data).decode().split("\n")[:-2]

    async def closed_by_server(self, after: str) -> bool:
        """Whether the server closes the connection within PATIENCE after ``after``."""
        assert self.reader is not None
        try:
            async with asyncio.timeout(PATIENCE):
                while await self.reader.read(65_536):
                    pass
        except TimeoutError:
            self.problem = (f"after {after}, the server kept the connection open ({PATIENCE:g} s later it had not closed it): "
                            "when a client is done, close the connection (`writer.close()`) and let the handler return")
            return False
        except ConnectionError:
            pass  # closed with a reset: closed all the same
        return True

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def start_learner_server(t: Trial, library: Library) -> tuple[Any, str, int]:
    serve = t.function("serve_documents", is_async=True, signature=SERVE)
    t.patch("lines_of", library.lines_of)
    server = await t.call(serve, 0)
    sockets = getattr(server, "sockets", None) if isinstance(server, asyncio.AbstractServer) else None
    t.require("behaviour", bool(sockets),
              f"serve_documents(0) returned {t.show(server)}: it should return the server that "
              "`await asyncio.start_server(handler, \"127.0.0.1\", port)` gives, already listening.")
    host, port = sockets[0].getsockname()[:2]
    t.require("behaviour", host == "127.0.0.1",
              f"serve_documents listens on {host}: listen on 127.0.0.1, as the exercise says.")
    return server, host, port


async def close_learner_server(t: Trial, server: Any, clients: list[Client]) -> None:
    """Closes the grader's clients, gives the server's handlers PATIENCE to see it and return, then closes the server."""
    for client in clients:
        client.close()
    current = asyncio.current_task()
    handlers = [task for task in asyncio.all_tasks() if task is not current]
    if handlers:
        _, running = await asyncio.wait(handlers, timeout=PATIENCE)
        if running:
            t.consequences("behaviour", "unretrieved-exception", "leaked-tasks")
            t.fail("behaviour", f"{PATIENCE:g} s after its client had closed the connection, your server's handler for it was "
                                "still running: when `reader.readline()` returns b\"\" the client is gone; close the "
                                "connection and return.")
    server.close()
    try:
        async with asyncio.timeout(PATIENCE):
            await server.wait_closed()  # 3.12+ waits for the connections too
    except TimeoutError:
        pass


@scenario("two clients fetch documents from your server, one ends with QUIT and one by closing its side")
async def serves_documents(t: Trial) -> None:
    docs = documents(t)
    library = Library(docs)
    server, host, port = await start_learner_server(t, library)
    clients = [Client(t, "the grader's first client"), Client(t, "the grader's second client")]
    asks = [["notes", "empty", "wide", "log"], ["log", "notes"]]

    async def session(client: Client, names: list[str], ending: str) -> dict[str, list[str] | None]:
        await client.connect(host, port)
        got: dict[str, list[str] | None] = {}
        for name in names:
            await client.send(f"GET {name}")
            got[name] = await client.receive_document(name)
            if got[name] is None:
                return got
        if ending == "QUIT":
            await client.send("QUIT")
            await client.closed_by_server("`QUIT`")
        else:
            assert client.writer is not None
            client.writer.write_eof()
            await client.closed_by_server("the client closed its side of the connection (the end of its input)")
        return got

    try:
        results = await asyncio.gather(session(clients[0], asks[0], "QUIT"), session(clients[1], asks[1], "EOF"))
    finally:
        await close_learner_server(t, server, clients)
    for client, names, got in zip(clients, asks, results):
        for name in names:
            if name in got and got[name] is not None and got[name] != docs[name]:
                t.fail("behaviour", f"{client.name} sent `GET {name}` and got {t.count(len(got[name]), 'line')} "
                                    f"({t.show(got[name])}) where the document has {t.count(len(docs[name]), 'line')} "
                                    f"({t.show(docs[name])}): answer with every line of `lines_of(name)`, each ending in "
                                    "\"\\n\", then a line with a single `.`.")
                return
        if client.problem is not None:
            t.fail("behaviour", client.problem + ".")
            return
    t.passed("behaviour", "your server answered every GET with the whole document and its `.`, on connections "
                          "that asked for several, and closed each one after QUIT or the end of the client's input")


@scenario("a slow client reads a long document from your server")
async def slow_client(t: Trial) -> None:
    docs = documents(t)
    library = Library(docs)
    server, host, port = await start_learner_server(t, library)
    for sock in server.sockets:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16_384)  # the connections it accepts inherit it
    client = Client(t, "the grader's slow client")
    ahead = 0
    at_pause = 0

    def measure() -> None:
        nonlocal ahead
        ahead = max(ahead, library.taken - client.consumed)

    try:
        await client.connect(host, port, receive_buffer=16_384)
        await client.send("GET big")
        await asyncio.sleep(1.0)  # the client is busy with something else: it reads nothing for a second
        measure()
        at_pause = library.taken
        got = await client.receive_document("big", on_read=measure)
        if got is not None:
            await client.send("QUIT")
            await client.closed_by_server("`QUIT`")
    finally:
        await close_learner_server(t, server, [client])
    size = len(reply(docs["big"]))
    t.expect("behaviour", ahead <= AHEAD_LIMIT,
             f"the grader's client asked for a {size // 1000:,} KB document and read nothing for a second: meanwhile your "
             f"server took {at_pause // 1000:,} KB of it from lines_of, and at most it was {ahead // 1000:,} KB ahead of what "
             "the client had read. Everything written and not yet sent waits in the server's memory: with many slow "
             "clients, that is how a server runs out of it. After writing, `await writer.drain()`: it waits while the "
             "connection's buffer is full, so the server only takes lines as fast as the client reads them.",
             f"while the grader's client read slowly, your server stayed at most {ahead // 1000:,} KB ahead of it (drain)")
    if got is None or client.problem is not None:
        t.fail("behaviour", (client.problem or "the document never arrived") + ".")
    elif got != docs["big"]:
        t.fail("behaviour", f"the slow client got {t.count(len(got), 'line')} of the long document, which has "
                            f"{len(docs['big']):,}: every line must arrive, in order, however slowly the client reads.")


# -- the grader's server, for the learner's client ----------------------------------------------


class GraderServer:
    """Answers GET in fragments, with pauses; records connections, commands, and each client's address."""

    def __init__(self, t: Trial, docs: dict[str, list[str]]) -> None:
        self.t = t
        self.docs = docs
        self.connections = 0
        self.commands: list[str] = []
        self.peers: list[tuple[str, int]] = []
        self.quit = False
        self.handlers: list[asyncio.Future[None]] = []  # one per connection, done when its handler returns

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        done = asyncio.get_running_loop().create_future()
        self.handlers.append(done)
        try:
            await self._serve(reader, writer)
        finally:
            done.set_result(None)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.peers.append(tuple(writer.get_extra_info("peername")[:2]))
        rng = self.t.random
        try:
            while line := await reader.readline():
                command = line.decode().rstrip("\n")
                self.commands.append(command)
                if command == "QUIT":
                    self.quit = True
                    break
                verb, _, name = command.partition(" ")
                data = reply(self.docs.get(name, [])) if verb == "GET" else b"ERR unknown command\n"
                while data:  # in pieces that cut lines anywhere, with pauses between them
                    cut = rng.randint(1, 3000)
                    piece, data = data[:cut], data[cut:]
                    writer.write(piece)
                    await writer.drain()
                    await asyncio.sleep(0.01)
        except ConnectionError:
            pass
        finally:
            writer.close()


def socket_still_open(local: tuple[str, int]) -> bool:
    """Whether this process still has a socket whose own address is ``local`` (a client's end)."""
    for fd in range(3, 1024):
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            sock = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            name = sock.getsockname()
        except OSError:
            name = None
        finally:
            sock.detach()
        if isinstance(name, tuple) and tuple(name[:2]) == local:
            return True
    return False


@scenario("your client fetches documents from the grader's server, which answers in fragments")
async def client_fetches(t: Trial) -> None:
    fetch = t.function("fetch_documents", is_async=True, signature=FETCH)
    docs = documents(t)
    grader = GraderServer(t, docs)
    server = await asyncio.start_server(grader.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    names = ["log", "empty", "notes", "wide"]
    t.random.shuffle(names)
    try:
        async with asyncio.timeout(60):
            got = await t.call(fetch, "127.0.0.1", port, list(names))
    except TimeoutError:
        t.fail("behaviour", f"fetch_documents was still running 60 s after it started (the grader's server had answered "
                            f"{t.count(len(grader.commands), 'command')}: {t.show(grader.commands)}). Read each answer up "
                            "to its `.` line, then send QUIT and close.")
        return
    open_after = [peer for peer in grader.peers if socket_still_open(peer)]  # right when it returned
    try:
        async with asyncio.timeout(PATIENCE):
            await asyncio.gather(*grader.handlers)  # what the client sent before closing has been read
    except TimeoutError:
        pass
    finally:
        server.close()
    expected = {name: docs[name] for name in names}
    if not isinstance(got, dict) or got != expected:
        wrong = [n for n in names if not isinstance(got, dict) or got.get(n) != docs[n]]
        shown = t.show(got.get(wrong[0])) if isinstance(got, dict) and wrong else t.show(got)
        t.fail("behaviour", f"fetch_documents returned {shown} for {wrong[0] if wrong else 'the documents'!r}, where the "
                            f"grader's server sent {t.show(docs[wrong[0]]) if wrong else 'other documents'}. Return a dict "
                            "of each name's lines, without their \"\\n\", reading each answer up to (not including) its "
                            "`.` line: answers arrive in pieces, so read whole lines (`await reader.readline()`).")
    elif grader.connections != 1:
        t.fail("behaviour", f"fetch_documents opened {t.count(grader.connections, 'connection')} to fetch "
                            f"{t.count(len(names), 'document')}: one connection carries every request, one after another.")
    elif not grader.quit:
        t.fail("behaviour", f"fetch_documents never sent QUIT (the server saw {t.show(grader.commands)}): say goodbye "
                            "before closing, so the server knows you are done.")
    elif open_after:
        t.fail("behaviour", "when fetch_documents returned, its connection was still open: close it (`writer.close()`, "
                            "which only starts closing) and wait until it is closed (`await writer.wait_closed()`) "
                            "before returning, so nothing is left half done when the function is.")
    else:
        t.passed("behaviour", "your client fetched every document over one connection, said QUIT, and had closed the "
                              "connection when it returned")


# -- the child process --------------------------------------------------------------------------


def child_of(t: Trial, argv: list[str]) -> Any | None:
    """The harness's record of the child started with exactly ``argv`` (None: not started that way)."""
    return next((r for r in t.children if isinstance(r.argv, (list, tuple)) and list(r.argv) == argv), None)


def started_child(t: Trial, argv: list[str], what: str) -> Any | None:
    """The child the learner's code started for ``argv``; a `behaviour` failure if it started it another way."""
    record = child_of(t, argv)
    if record is not None:
        return record
    if any(isinstance(r.argv, (str, bytes)) for r in t.children):
        t.fail("behaviour", f"run_command ran {what} through a shell (`create_subprocess_shell`): the shell splits the "
                            "command line again and interprets $, quotes and spaces in the arguments. Pass argv as it "
                            "is: `await asyncio.create_subprocess_exec(*argv, ...)`.")
    else:
        t.fail("behaviour", f"run_command did not start {what} with `asyncio.create_subprocess_exec(*argv, ...)`.",
               follows="blocking")
    return None


async def call_run(t: Trial, run: Any, argv: list[str], timeout: float, patience: float) -> tuple[Any, BaseException | None]:
    """Calls run_command; returns (result, exception it raised). The grader gives up after ``patience``
    virtual seconds: then the exception is a CancelledError."""
    started = t.now
    try:
        async with asyncio.timeout(patience):
            return await t.call(run, argv, timeout), None
    except TimeoutError as error:
        if t.now - started >= patience - 1e-9:
            return None, asyncio.CancelledError("the grader gave up")
        return None, error
    except Exception as error:  # judged by each scenario, in the learner's terms
        return None, error


@scenario("run_command reports a command's exit code and both of its outputs")
async def exit_code_and_output(t: Trial) -> None:
    run = t.function("run_command", is_async=True, signature=RUN)
    program = t.child_command([("out", "hello\n"), ("err", "warning: almost\n"), ("out", "wörld\n"), ("exit", 3)])
    shell = ["/bin/sh", "-c", 'printf "%s|" "$@"; echo oops >&2; exit 5', "sh", "two  words", "$HOME", "'quoted'"]
    cases = [(program, (3, "hello\nwörld\n", "warning: almost\n"), "the grader's program"),
             (shell, (5, "two  words|$HOME|'quoted'|", "oops\n"), "a /bin/sh script given arguments with spaces, $ and quotes")]
    for argv, expected, what in cases:
        got, error = await call_run(t, run, argv, 20.0, 60.0)
        if error is not None:
            t.fail("behaviour", f"run_command({what}, timeout=20) raised {type(error).__name__}: {t.show(str(error))} "
                                f"instead of returning {t.show(expected)}: the command ends at once, and an exit code "
                                "other than 0 is part of the answer, not an error.", follows="blocking")
            return
        if started_child(t, argv, what) is None:
            return
        if got != expected:
            t.fail("behaviour", f"run_command({what}) returned {t.show(got)}; the command exited with {expected[0]} after "
                                f"writing {t.show(expected[1])} to stdout and {t.show(expected[2])} to stderr: return "
                                "(proc.returncode, stdout, stderr), the outputs decoded from UTF-8.")
            return
    t.passed("behaviour", "run_command returned the exit code and both outputs, and passed the arguments as they were")


@scenario("run_command runs a command with a lot to say on both pipes")
async def both_pipes(t: Trial) -> None:
    run = t.function("run_command", is_async=True, signature=RUN)
    text, times = BIG
    for first, second in (("err", "out"), ("out", "err")):
        argv = t.child_command([(first, text, times), (second, text, times), ("exit", 0)])
        names = {"out": "stdout", "err": "stderr"}
        story = f"writes 300 KB to {names[first]}, then 300 KB to {names[second]}, then exits"
        started = t.now
        got, error = await call_run(t, run, argv, 30.0, 90.0)
        record = child_of(t, argv)
        stuck = None if record is None else (record.doing_when_signalled or record.describe())
        outcome = (f"was still waiting {t.now - started:g} s later, when the grader gave up" if isinstance(error, asyncio.CancelledError)
                   else f"raised {type(error).__name__} after {t.now - started:g} s")
        if error is not None and stuck is not None and "blocked writing" in stuck:
            t.fail("deadlock", f"the command {story}, which takes it no time when both pipes are read. Your run_command "
                               f"{outcome}: the command was {stuck}. A pipe holds 64 KiB; a child that fills one waits "
                               "until someone reads it, while your code waited for the other pipe (or for the exit). Read "
                               "stdout and stderr at the same time (`proc.communicate()`, or a task for each).")
            return
        if error is not None:
            t.fail("behaviour", f"on a command that {story} (at once), run_command {outcome}"
                                + ("" if isinstance(error, asyncio.CancelledError) else f": {error}") + ".",
                   follows="blocking")
            return
        out, err = ((text * times, text * times))
        if got != (0, out, err):
            t.fail("behaviour", f"run_command returned {t.show(got)} for a command that {story}: every byte of both outputs "
                                "must come back, each from its own pipe.")
            return
    t.passed("behaviour", "run_command read both pipes at once: 300 KB on each came through, in either order")


@scenario("run_command stops a command that does not finish in time")
async def too_slow(t: Trial) -> None:
    run = t.function("run_command", is_async=True, signature=RUN)
    argv = t.child_command([("out", "working...\n"), ("sleep", 3600)])
    timeout = 2.5
    got, error = await call_run(t, run, argv, timeout, 60.0)
    record = started_child(t, argv, "the grader's program")
    if record is None:
        return
    if isinstance(error, asyncio.CancelledError):
        t.fail("behaviour", f"given a command that runs for an hour and timeout={timeout:g}, run_command was still waiting "
                            f"60 s later, when the grader gave up: after {timeout:g} s, stop waiting "
                            "(`async with asyncio.timeout(timeout):` around the wait).")
        return
    if not isinstance(error, TimeoutError):
        what = f"returned {t.show(got)}" if error is None else f"raised {type(error).__name__}: {error}"
        t.fail("behaviour", f"with timeout={timeout:g}, on a command that runs for an hour, run_command {what} at "
                            f"{t.now:g} s: raise TimeoutError after {timeout:g} s.", follows="blocking")
        return
    t.expect("behaviour", t.close(t.now, timeout),
             f"run_command raised TimeoutError at {t.now:g} s; the timeout was {timeout:g} s (from the start of run_command).",
             f"run_command raised TimeoutError after exactly {timeout:g} s")
    if record.running() and not record.signals:
        t.fail("cancellation", "run_command raised TimeoutError, but the command was still running: a timeout ends your "
                               "wait, not the process. Kill it (`proc.kill()`) and wait for it to exit before raising.")
    elif not record.collected:
        t.fail("cancellation", "run_command killed the command and raised TimeoutError without waiting for it to exit: "
                               "until its exit status is collected (`await proc.wait()`), a dead child process stays in "
                               "the process table as a zombie.")
    else:
        t.passed("cancellation", "on the timeout, run_command killed the command and waited for it: no zombie left")
