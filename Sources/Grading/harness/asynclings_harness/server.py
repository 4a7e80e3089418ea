"""A warm grader: forks one child per grade from a process that has already imported
asyncio and the harness, so a grade costs milliseconds instead of an interpreter start.

    python grade.py --serve --socket-fd 3 [--isolate]

The Swift side talks over a ``SOCK_SEQPACKET`` socket, one JSON message per packet:

* ``{"hello": {"isolated", "reason"}}`` once, first: whether each grade gets namespaces
  of its own (``--isolate``, inside the bubblewrap sandbox; see isolation.py);
* request ``{"id", "argv", "env", "cwd", "limits", "scratch_bytes"}`` carrying four
  descriptors (stdin, stdout, stderr, report) as ``SCM_RIGHTS``;
* reply ``{"id", "pid"}`` (or ``{"id", "error"}``) once the child is forked, carrying a
  pidfd of the child: the server's pids mean nothing outside its sandbox, so the Swift
  side watches and kills the child through that descriptor;
* reply ``{"id", "pid", "status"}`` (a raw wait status) once it has exited.

Each child is set up like a freshly spawned grade: a session of its own, default signal
handling, the four descriptors as 0-3 and nothing else open, the requested resource
limits, working directory and a clean environment. Isolated, it also leaves every
namespace of the server (isolation.py) before any learner code runs: killing it ends
every process the grade started.

Isolated, the server keeps one grade set apart ahead of time (a *spare*): forked, in its
own namespaces, capabilities dropped, waiting for its request. A request then costs a
message, not two forks and the namespaces; the next spare is made while the grade runs.
A spare is forked from the same unchanging server as any grade, so nothing passes from
one grade to the next. This process only forks and reaps. It exits when the socket closes.
"""

from __future__ import annotations

import json
import os
import resource
import selectors
import signal
import socket
import sys
from typing import Any

# Imported here, before any fork, so that children start warm.
import asyncio  # noqa: F401
from . import clock, fakes, instrument, learner, report, session, tracking, trial  # noqa: F401
from . import integrity, isolation
from . import main as harness_main

LIMITS = {
    "cpu": resource.RLIMIT_CPU,
    "as": resource.RLIMIT_AS,
    "fsize": resource.RLIMIT_FSIZE,
    "nofile": resource.RLIMIT_NOFILE,
    "nproc": resource.RLIMIT_NPROC,
    "core": resource.RLIMIT_CORE,
}
MAX_MESSAGE = 1 << 20


DEFAULT_SCRATCH_BYTES = 64 << 20


def serve(socket_fd: int, isolate: bool = False) -> None:
    channel = socket.socket(fileno=socket_fd)
    isolated, reason = _probe_isolation() if isolate else (False, "not requested")
    _reply(channel, {"hello": {"isolated": isolated, "reason": reason}})
    Server(channel, isolated).run()


class Spare:
    """A grade made ahead of time, waiting on ``channel`` for its request and descriptors."""

    __slots__ = ("pid", "channel")

    def __init__(self, pid: int, channel: socket.socket) -> None:
        self.pid = pid
        self.channel = channel


class Server:
    """The loop: requests from the Swift side, children to reap, and (isolated) a spare."""

    def __init__(self, channel: socket.socket, isolated: bool) -> None:
        self.channel = channel
        self.isolated = isolated
        self.children: dict[int, int] = {}  # pid -> request id
        self.spare: Spare | None = None
        self.spares_lost = 0  # spares that ended before their request, in a row

    def run(self) -> None:
        wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler (not SIG_IGN) so children can be reaped
        selector = selectors.DefaultSelector()
        selector.register(self.channel, selectors.EVENT_READ, "request")
        selector.register(wake_read, selectors.EVENT_READ, "child")
        self.prepare_spare()
        while True:
            for key, _ in selector.select():
                if key.data == "child":
                    _drain(wake_read)
                    self.reap()
                    continue
                try:
                    data, fds, _flags, _addr = socket.recv_fds(self.channel, MAX_MESSAGE, 4)
                except InterruptedError:
                    continue
                if not data:
                    return  # the Swift side is gone
                self.start(data, fds)

    def start(self, data: bytes, fds: list[int]) -> None:
        request: dict[str, Any] = {}
        try:
            request = json.loads(data)
            if len(fds) != 4:
                raise ValueError(f"expected 4 descriptors, got {len(fds)}")
            pid = self.hand_to_spare(data, fds, request)
            if pid is None:
                pid = os.fork()
                if pid == 0:
                    _become_child(self.channel, request, fds, self.isolated)  # never returns
        except Exception as error:  # a bad request or a failed fork: say so, keep serving
            for fd in fds:
                os.close(fd)
            _reply(self.channel, {"id": request.get("id"), "error": f"{type(error).__name__}: {error}"})
            return
        for fd in fds:
            os.close(fd)
        self.children[pid] = request["id"]
        pidfd = os.pidfd_open(pid)
        try:
            _reply(self.channel, {"id": request["id"], "pid": pid}, fds=[pidfd])
        finally:
            os.close(pidfd)
        self.prepare_spare()

    def hand_to_spare(self, data: bytes, fds: list[int], request: dict[str, Any]) -> int | None:
        """Gives the request to the spare; its pid, or None when there is no spare that fits."""
        spare, self.spare = self.spare, None
        if spare is None:
            return None
        try:
            if int(request.get("scratch_bytes", DEFAULT_SCRATCH_BYTES)) != DEFAULT_SCRATCH_BYTES:
                return None  # made for the default scratch size; this grade asks for another
            socket.send_fds(spare.channel, [data], fds)
            self.spares_lost = 0
            return spare.pid
        except OSError:
            return None  # it died (its exit is reaped like any child's)
        finally:
            spare.channel.close()  # unused, the spare sees EOF and goes

    def prepare_spare(self) -> None:
        # A spare that keeps dying is not made again and again: grades then fork as they come.
        if not self.isolated or self.spare is not None or self.spares_lost >= 3:
            return
        server_end, spare_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            pid = os.fork()
        except OSError:
            server_end.close()
            spare_end.close()
            return
        if pid == 0:
            server_end.close()
            _become_spare(spare_end)  # never returns
        spare_end.close()
        self.spare = Spare(pid, server_end)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if self.spare is not None and pid == self.spare.pid:
                self.spare.channel.close()
                self.spare = None
                self.spares_lost += 1
                self.prepare_spare()
                continue
            request_id = self.children.pop(pid, None)
            if request_id is not None:
                _reply(self.channel, {"id": request_id, "pid": pid, "status": status})


def _probe_isolation() -> tuple[bool, str]:
    """Whether a grade can get namespaces of its own here: tries it once in a throwaway child."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            isolation.enter_namespaces()
            isolation.mount_scratch("/tmp", 4096)
            os.write(write_end, b"ok")
        except BaseException as error:  # noqa: BLE001 - reported to the Swift side, which falls back
            os.write(write_end, str(error).encode()[:500])
        os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 1000).decode(errors="replace")
    os.close(read_end)
    os.waitpid(pid, 0)
    return (True, "") if answer == "ok" else (False, answer or "the probe died")


def _reset_process() -> None:
    """As a freshly started grade has it: a session of its own (no controlling terminal to
    write to), SIGPIPE and SIGXFSZ ignored (writes raise instead of killing), SIGINT
    raising KeyboardInterrupt, the rest default, nothing blocked."""
    os.setsid()
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGALRM):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def _become_child(channel: socket.socket, request: dict[str, Any], fds: list[int], isolated: bool) -> None:
    """In the forked child: the descriptors as 0-3, then either the grade itself or, isolated,
    the grade inside namespaces of its own. Never returns."""
    try:
        _reset_process()
        for target, fd in enumerate(fds):
            os.dup2(fd, target, inheritable=True)
        channel.detach()
        os.closerange(4, _max_fd())
        if isolated:
            _isolated_grade(request)
        _become_grade(request)
    except BaseException as error:  # noqa: BLE001 - the child must never return into the server loop
        try:
            os.write(2, f"asynclings grade server: child setup failed: {error!r}\n".encode())
        finally:
            os._exit(70)
    os._exit(0)


def _isolated_grade(request: dict[str, Any]) -> None:
    """Runs the grade one level down: this process enters new namespaces and forks the
    grade, which is PID 1 of the new PID namespace. This process stays outside it so the
    Swift side can watch and kill it (the grade dies with it); when the grade ends, the
    kernel ends every process it started. Exits as the grade did. Never returns.

    As PID 1 the grade ignores signals it sent itself for which it has no handler (the
    kernel protects a namespace's init): ``os.kill(os.getpid(), SIGTERM)`` with the default
    action does nothing, where an ordinary process would die. Handlers work as usual."""
    isolation.enter_namespaces()
    isolation.mount_scratch("/tmp", int(request.get("scratch_bytes", DEFAULT_SCRATCH_BYTES)))
    grade = os.fork()
    if grade == 0:
        _enter_grade()
        _become_grade(request)
    for fd in range(4):
        os.close(fd)  # only the grade's processes hold its pipes: EOF means they are all gone
    _exit_as(_wait(grade))


def _become_spare(channel: socket.socket) -> None:
    """A spare, made before its request: the same namespaces and grade as `_isolated_grade`,
    then the grade waits for its request and descriptors on ``channel`` (EOF: not needed,
    it goes). Never returns."""
    try:
        _reset_process()
        null = os.open(os.devnull, os.O_RDWR)
        for target in range(3):
            os.dup2(null, target)
        keep = channel.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, _max_fd())
        isolation.enter_namespaces()
        isolation.mount_scratch("/tmp", DEFAULT_SCRATCH_BYTES)
        grade = os.fork()
        if grade == 0:
            _enter_grade()
            # While it waits: touch what the tampering check will compare, so the copy-on-write
            # faults of those pages are paid now rather than during the grade.
            integrity.survey().snapshot.unchanged()
            data, fds, _flags, _addr = socket.recv_fds(channel, MAX_MESSAGE, 4)
            if not data or len(fds) != 4:
                os._exit(0)
            for target, fd in enumerate(fds):
                os.dup2(fd, target, inheritable=True)
            for fd in fds:
                if fd > 3:
                    os.close(fd)
            channel.close()
            _become_grade(json.loads(data))
        channel.close()
        for fd in range(3):
            os.close(fd)
    except BaseException:  # noqa: BLE001 - a spare that cannot be made is simply not used
        os._exit(70)
    _exit_as(_wait(grade))


def _enter_grade() -> None:
    """In the grade, PID 1 of its new namespace: tied to its parent, its own loopback up,
    every capability gone, before it reads a byte of the learner's."""
    isolation.die_with_parent()
    isolation.bring_up_loopback()
    isolation.drop_privileges()


def _wait(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:
            continue


def _exit_as(status: int) -> None:
    """Ends this process the way the grade ended: with its exit code, or by its signal."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [number])
        os.kill(os.getpid(), number)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _become_grade(request: dict[str, Any]) -> None:
    """The same setup the C spawner gives a cold grade, then the harness. Never returns."""
    os.chdir(request.get("cwd") or "/")
    os.environ.clear()
    os.environ.update(request.get("env", {}))
    for name, value in request.get("limits", {}).items():
        if value is not None and value >= 0:
            resource.setrlimit(LIMITS[name], (value, value))
    sys.argv = ["grade.py", *request["argv"]]
    # Streams were opened on fds 0-2 at start-up; they still point there.
    harness_main.main(request["argv"])
    os._exit(0)


def _reply(channel: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    try:
        data = json.dumps(message).encode()
        if fds:
            socket.send_fds(channel, [data], fds)
        else:
            channel.sendall(data)
    except OSError:
        os._exit(0)  # the Swift side is gone: nothing left to serve


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def _max_fd() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return min(soft, 65536) if soft > 0 else 4096
