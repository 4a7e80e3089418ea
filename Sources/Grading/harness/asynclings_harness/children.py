"""Child processes on the virtual clock.

A child process runs in real time, beside the event loop. The clock may jump to the
next timer only when no child can still do something that the loop would see first,
so at each jump decision every child the loop started (``asyncio.create_subprocess_exec``
or ``_shell``) is one of:

* ``BUSY``    - starting up, computing, writing into a pipe that has room, dying after
  a signal: the clock keeps still, as it does for a busy worker thread;
* ``PARKED``  - the grader's child program (``child.py``) asleep on the virtual clock:
  it said for how long, and the loop wakes it when the clock gets there;
* ``BLOCKED`` - the grader's child program writing into a pipe that is full: only a
  task reading the other end can let it go on (the pipe-buffer deadlock, when none does);
* ``EXITED``  - dead, its exit status not yet handed to asyncio.

A program that never reports (``/bin/sh``, anything else) is busy until it exits.

Exit statuses are collected (``waitpid``) and handed to asyncio (the transport's
``_process_exited``) only at a jump decision, when nothing else is ready, and only
after whatever the child wrote before dying has been read: when a task sees a child
exit depends on what it awaited, never on how fast the child died. So a function that
kills a child and returns without waiting for it always leaves it unreaped, and one
that awaits ``proc.wait()`` always finds it reaped.

The grader's child program reports over a process-wide :class:`ControlPort`, an
abstract Unix socket whose name is in its command line (see ``child.py``). The port
knows each sender by its pid (``SO_PEERCRED``); reports from a process no loop started
through asyncio (``subprocess.run`` in a thread, say) are answered at once, so such a
child never waits for a clock that is not counting it.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import socket
import struct
import sys
import termios
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:
    from .clock import VirtualClockLoop

BUSY, PARKED, BLOCKED, EXITED = "busy", "parked", "blocked", "exited"
SETTLED = "settled"

CHILD_PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child.py")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_F_GETPIPE_SZ = getattr(fcntl, "F_GETPIPE_SZ", 1032)
_UCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid
_real_monotonic = time.monotonic  # instrument.py makes time.monotonic virtual on the loop thread
# Real seconds: how often, and how long at most, a jump decision looks again at a busy child
# (a Python child takes tens of milliseconds just to start; the grade's budget bounds the rest).
SETTLE_STEP = 0.001
SETTLE_LIMIT = 5.0

Step = Sequence[Any]


def command(steps: Sequence[Step]) -> list[str]:
    """The command line of the grader's child program running ``steps`` (see ``child.py``)."""
    return [sys.executable, "-I", "-S", CHILD_PROGRAM, PORT.address, json.dumps([list(s) for s in steps])]


class ControlPort:
    """The process-wide socket over which the grader's child programs report (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._address = ""
        self._links: dict[int, _Link] = {}  # pid -> its connection
        self.owners: dict[int, ChildLedger] = {}  # pid -> the ledger of the loop that started it
        self.strangers: list[int] = []  # pids that reported but that no loop started
        self._watching_signals = False

    @property
    def address(self) -> str:
        """The socket's abstract name (without the leading NUL), opened on first use."""
        with self._lock:
            if self._listener is None:
                listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                name = f"asynclings-children-{os.getpid()}-{os.urandom(6).hex()}"
                listener.bind("\0" + name)
                listener.listen(64)
                listener.setblocking(False)
                os.set_inheritable(listener.fileno(), False)
                self._listener, self._address = listener, name
            return self._address

    def refresh(self) -> None:
        """Accepts new reporters and hands every complete report to the ledger of its pid."""
        if self._listener is None:
            return  # no command line made yet: the common case costs nothing
        with self._lock:
            listener = self._listener
            assert listener is not None
            while True:
                try:
                    sock, _ = listener.accept()
                except (BlockingIOError, InterruptedError):
                    break
                except OSError:
                    break
                sock.setblocking(False)
                pid = _UCRED.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size))[0]
                old = self._links.pop(pid, None)
                if old is not None:
                    old.sock.close()
                self._links[pid] = _Link(sock)
            for pid, link in list(self._links.items()):
                for line in link.read():
                    owner = self.owners.get(pid)
                    if owner is not None:
                        owner.reported(pid, line)
                    elif line.startswith("sleep "):
                        if pid not in self.strangers:
                            self.strangers.append(pid)
                        link.send(b"w")  # nobody counts its time: let it go on at once
                if link.closed:
                    link.sock.close()
                    del self._links[pid]

    def watch_signals(self, subscribe: Callable[[str, Callable[[str, tuple[Any, ...]], None]], None] | None) -> None:
        """Has ``os.kill`` audit events reach the ledger of the child they signal (once per process).

        A killed child that was asleep or blocked is dying, not waiting: the clock must keep
        still until it has exited. ``os.kill`` is how asyncio (``Popen.send_signal``) and
        learners alike send one, and the audit event sees both. In a grade, ``subscribe`` is
        the harness's one audit hook (``Instrumentation.on_audit``: the tampering check
        refuses any hook added later); elsewhere (tests) a hook of its own is added. The
        state lives on this object, not in a module global, which the tampering check
        compares with what it was before the grade began.
        """
        if self._watching_signals:
            return
        self._watching_signals = True
        if subscribe is not None:
            subscribe("os.kill", self._killed)
            return

        def hook(event: str, args: tuple[Any, ...]) -> None:
            if event == "os.kill":
                self._killed(event, args)

        sys.addaudithook(hook)

    def _killed(self, event: str, args: tuple[Any, ...]) -> None:
        if len(args) == 2:
            owner = self.owners.get(args[0])
            if owner is not None:
                owner.signalled(args[0], args[1])

    def wake(self, pid: int) -> None:
        with self._lock:
            link = self._links.get(pid)
        if link is not None:
            link.send(b"w")

    def forget(self, pid: int) -> None:
        with self._lock:
            self.owners.pop(pid, None)
            link = self._links.pop(pid, None)
        if link is not None:
            link.sock.close()


class _Link:
    """One child's connection: buffered lines in, wake-up bytes out."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.pending = b""
        self.closed = False

    def read(self) -> list[str]:
        while True:
            try:
                data = self.sock.recv(4096)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                data = b""
            if not data:
                self.closed = True
                break
            self.pending += data
        *lines, self.pending = self.pending.split(b"\n")
        return [line.decode("ascii", "replace") for line in lines]

    def send(self, data: bytes) -> None:
        try:
            self.sock.send(data)
        except OSError:
            pass  # the child is gone


PORT = ControlPort()


class ChildRecord:
    """What the loop knows about one child process, for the clock and for the lesson's checks."""

    def __init__(self, transport: Any, argv: Any, started_at: float) -> None:
        self.transport = transport
        self.pid: int = transport.get_pid()
        self.argv = argv
        self.started_at = started_at
        self.state = BUSY
        self.writing: int | None = None  # the inode of the pipe it is writing to, if it said so
        self.wake_at: float | None = None
        self.signals: list[tuple[float, int]] = []  # (virtual time, signal number) sent to it
        self.blocked_on: str | None = None  # "stdout"/"stderr": the full pipe it is stuck writing to, when it is
        self.doing_when_signalled: str | None = None  # what it was doing when the first signal came, in words
        self.exited_at: float | None = None  # virtual time its exit status was handed to asyncio
        self.returncode: int | None = None
        self.killed_at_shutdown = False  # still running when its loop closed: the harness killed it

    @property
    def collected(self) -> bool:
        """Whether its exit status has been collected and handed to asyncio (it is no zombie)."""
        return self.exited_at is not None

    def running(self) -> bool:
        """Whether the process has not exited yet (a zombie has exited, and is not running)."""
        return not self.collected and not _has_exited(self.pid)

    def describe(self) -> str:
        """What it is doing, as last seen, in words for messages."""
        if self.state == EXITED:
            return "exited"
        if self.blocked_on is not None:
            return f"blocked writing to its {self.blocked_on}: the pipe is full and nothing reads it"
        if self.state == PARKED:
            return "asleep"
        return "running"


class ChildLedger:
    """The child processes one loop started, and whether the clock may move on (see the module docstring)."""

    def __init__(self, loop: VirtualClockLoop) -> None:
        self.loop = loop
        self.records: list[ChildRecord] = []
        self._live: dict[int, ChildRecord] = {}  # pid -> record, until its exit is handed to asyncio

    @property
    def empty(self) -> bool:
        return not self._live

    def started(self, transport: Any, argv: Any) -> ChildRecord:
        watch_signals()
        record = ChildRecord(transport, argv, self.loop.time())
        self.records.append(record)
        self._live[record.pid] = record
        with PORT._lock:
            PORT.owners[record.pid] = self
        return record

    def reported(self, pid: int, line: str) -> None:
        """A report from the grader's child program (called by the port, under its lock)."""
        record = self._live.get(pid)
        if record is None or record.state == EXITED:
            return
        word, _, argument = line.partition(" ")
        if record.signals:
            return  # dying: whatever it says now, it is on its way out (it stays busy until it exits)
        if word == "sleep":
            record.state, record.writing = PARKED, None
            record.wake_at = self.loop.time() + max(0.0, float(argument))
        elif word == "write":
            record.state, record.writing = BUSY, int(argument)
        elif word == "busy":
            record.state, record.writing = BUSY, None

    def signalled(self, pid: int, signum: int) -> None:
        """A signal is about to be sent to ``pid`` (see ``watch_signals``): it is busy until it exits."""
        record = self._live.get(pid)
        if record is None or record.state == EXITED:
            return
        if not record.signals:
            self._settled_state(record)
            record.doing_when_signalled = record.describe()
        record.signals.append((self.loop.time(), signum))
        if signum not in (0, signal.SIGSTOP, signal.SIGCONT):
            record.state, record.writing, record.wake_at = BUSY, None, None

    # -- the clock's questions ------------------------------------------------------

    def state(self) -> str:
        """``BUSY``, ``EXITED`` (a status is ready to hand over) or ``SETTLED`` (every child waits on the clock or the loop)."""
        PORT.refresh()  # also answers strangers: nothing to do until a command line was made
        if not self._live:
            return SETTLED
        verdict = SETTLED
        for record in list(self._live.values()):
            settled = self._settled_state(record)
            if settled == EXITED:
                return EXITED
            if settled == BUSY:
                verdict = BUSY
        return verdict

    def settle(self) -> str:
        """Like :meth:`state`, after waiting (in real time, bounded) until no child is busy.

        For a loop whose tasks never let it idle (busy-waiting on ``proc.returncode``): the
        state it acts on is then the same however fast the children ran.
        """
        started = _real_monotonic()
        while True:
            verdict = self.state()
            if verdict != BUSY or _real_monotonic() - started > SETTLE_LIMIT:
                return verdict
            select.select([], [], [], SETTLE_STEP)

    def stuck(self) -> str:
        """For a deadlock message: the children stuck writing to a full pipe, in words ("" if none)."""
        texts = [f"; the child process {_short(r.argv)} is {r.describe()}"
                 for r in self._live.values() if self._settled_state(r) == BLOCKED]
        return "".join(texts[:2])

    def _settled_state(self, record: ChildRecord) -> str:
        if record.state == EXITED or _has_exited(record.pid):
            record.state, record.blocked_on = EXITED, None
            return EXITED
        record.blocked_on = None if record.writing is None else self._full_pipe(record, record.writing)
        if record.state == PARKED:
            return PARKED
        return BUSY if record.blocked_on is None else BLOCKED

    def _full_pipe(self, record: ChildRecord, inode: int) -> str | None:
        """``"stdout"``/``"stderr"`` when the child writes to that pipe of ours and it is full, else None."""
        for number, name in ((1, "stdout"), (2, "stderr")):
            pipe = record.transport.get_pipe_transport(number)
            if pipe is None or getattr(pipe, "_pipe", None) is None:
                continue  # not a pipe to us, or closed (its old descriptor may hold something else now)
            fd = pipe._fileno
            try:
                if os.fstat(fd).st_ino != inode:
                    continue
                unread = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
                capacity = fcntl.fcntl(fd, _F_GETPIPE_SZ)
            except OSError:
                continue
            # More unread bytes than all pages but one can hold: every page of the pipe is in use.
            return name if unread > capacity - _PAGE else None
        return None

    def next_wake(self) -> float | None:
        wakes = [r.wake_at for r in self._live.values() if r.state == PARKED and r.wake_at is not None]
        return min(wakes, default=None)

    def wake_due(self) -> None:
        now = self.loop.time()
        for record in self._live.values():
            if record.state == PARKED and record.wake_at is not None and record.wake_at <= now:
                record.state, record.wake_at = BUSY, None
                PORT.wake(record.pid)

    def deliver_exits(self) -> bool:
        """Collects every dead child's status and hands it to asyncio; True if there was one."""
        delivered = False
        for record in list(self._live.values()):
            if record.state != EXITED:
                continue
            record.returncode = self._reap(record)
            record.exited_at = self.loop.time()
            del self._live[record.pid]
            PORT.forget(record.pid)
            self.loop.call_soon(record.transport._process_exited, record.returncode)
            delivered = True
        return delivered

    def _reap(self, record: ChildRecord) -> int:
        try:
            _, status = os.waitpid(record.pid, 0)
        except ChildProcessError:
            code = getattr(getattr(record.transport, "_proc", None), "returncode", None)
            return 255 if code is None else code
        return os.waitstatus_to_exitcode(status)

    async def stop(self) -> None:
        """Kills every child still running, and waits until asyncio has its status and its pipes are closed.

        For the end of a scenario (``Session``), while the loop can still run: no child
        outlives its scenario, and no transport is left half open.
        """
        for record in list(self._live.values()):
            record.killed_at_shutdown = record.running()
            record.transport.close()  # kills it (if still running) and closes our ends of its pipes
        for record in list(self.records):
            if not record.transport._finished:
                await record.transport._wait()

    def shut_down(self) -> None:
        """The loop is closing with children still running (it was not stopped first): kill and reap them.

        Their transports are closed, and the callbacks that closing queues (which close our
        ends of the pipes) are run here: the closed loop would never run them.
        """
        if not self._live:
            return
        transports = []
        for record in list(self._live.values()):
            record.killed_at_shutdown = record.running()
            try:
                os.kill(record.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            record.returncode = self._reap(record)
            proc = getattr(record.transport, "_proc", None)
            if proc is not None and proc.returncode is None:
                proc.returncode = record.returncode  # asyncio's transport would otherwise kill it again
            record.transport._returncode = record.returncode
            record.transport.close()
            transports.append(record.transport)
            PORT.forget(record.pid)
        self._live.clear()
        pipes = {id(p) for t in transports for p in (t.get_pipe_transport(n) for n in (0, 1, 2)) if p is not None}
        ready = self.loop._ready  # type: ignore[attr-defined]  # asyncio.BaseEventLoop internals
        for handle in [h for h in ready if id(getattr(h._callback, "__self__", None)) in pipes]:
            ready.remove(handle)
            handle._run()



def watch_signals(subscribe: Callable[[str, Callable[[str, tuple[Any, ...]], None]], None] | None = None) -> None:
    """Has ``os.kill`` audit events reach the ledger of the child they signal (see ``ControlPort.watch_signals``)."""
    PORT.watch_signals(subscribe)


def _has_exited(pid: int) -> bool:
    """Whether child ``pid`` has exited, without collecting its status (a zombie stays a zombie)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True  # reaped already (Popen.send_signal polls first, and may reap a dead child)


def _short(argv: Any) -> str:
    """A command line for messages: the program's name and a hint of the rest."""
    words = [os.path.basename(str(argv[0]))] if isinstance(argv, (list, tuple)) and argv else [str(argv)]
    return f"`{words[0]}`"
