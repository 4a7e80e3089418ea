"""A warm grader: forks one child per grade from a process that has already imported
asyncio and the harness, so a grade costs milliseconds instead of an interpreter start.

    python grade.py --serve --socket-fd 3

The Swift side talks over a ``SOCK_SEQPACKET`` socket, one JSON message per packet:

* request ``{"id", "argv", "env", "cwd", "limits"}`` carrying four descriptors
  (stdin, stdout, stderr, report) as ``SCM_RIGHTS``;
* reply ``{"id", "pid"}`` (or ``{"id", "error"}``) once the child is forked;
* reply ``{"id", "pid", "status"}`` (a raw wait status) once it has exited.

Each child is set up like a freshly spawned grade: its own process group, default
signal handling, the four descriptors as 0-3 and nothing else open, the requested
resource limits, working directory and a clean environment. The Swift side reads
its output, enforces the real-time budget and kills the group, exactly as for a
cold spawn; this process only forks and reaps. It exits when the socket closes.
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


def serve(socket_fd: int) -> None:
    channel = socket.socket(fileno=socket_fd)
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler (not SIG_IGN) so children can be reaped
    children: dict[int, int] = {}  # pid -> request id
    selector = selectors.DefaultSelector()
    selector.register(channel, selectors.EVENT_READ, "request")
    selector.register(wake_read, selectors.EVENT_READ, "child")
    while True:
        for key, _ in selector.select():
            if key.data == "child":
                _drain(wake_read)
                _reap(channel, children)
                continue
            try:
                data, fds, _flags, _addr = socket.recv_fds(channel, MAX_MESSAGE, 4)
            except InterruptedError:
                continue
            if not data:
                return  # the Swift side is gone
            _start(channel, children, data, fds)


def _start(channel: socket.socket, children: dict[int, int], data: bytes, fds: list[int]) -> None:
    request: dict[str, Any] = {}
    try:
        request = json.loads(data)
        if len(fds) != 4:
            raise ValueError(f"expected 4 descriptors, got {len(fds)}")
        pid = os.fork()
    except Exception as error:  # a bad request or a failed fork: say so, keep serving
        for fd in fds:
            os.close(fd)
        _reply(channel, {"id": request.get("id"), "error": f"{type(error).__name__}: {error}"})
        return
    if pid == 0:
        _become_grade(channel, request, fds)  # never returns
    for fd in fds:
        os.close(fd)
    children[pid] = request["id"]
    _reply(channel, {"id": request["id"], "pid": pid})


def _become_grade(channel: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """In the child: the same setup the C spawner gives a cold grade, then the harness."""
    try:
        os.setpgid(0, 0)
        signal.set_wakeup_fd(-1)
        # As a freshly started Python has them: SIGPIPE and SIGXFSZ ignored (writes raise
        # instead of killing), SIGINT raising KeyboardInterrupt, the rest default.
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGALRM):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        for target, fd in enumerate(fds):
            os.dup2(fd, target, inheritable=True)
        channel.detach()
        os.closerange(4, _max_fd())
        os.chdir(request.get("cwd") or "/")
        os.environ.clear()
        os.environ.update(request.get("env", {}))
        for name, value in request.get("limits", {}).items():
            if value is not None and value >= 0:
                resource.setrlimit(LIMITS[name], (value, value))
        sys.argv = ["grade.py", *request["argv"]]
        # Streams were opened on fds 0-2 at start-up; they still point there.
        harness_main.main(request["argv"])
    except BaseException as error:  # noqa: BLE001 - the child must never return into the server loop
        try:
            os.write(2, f"asynclings grade server: child setup failed: {error!r}\n".encode())
        finally:
            os._exit(70)
    os._exit(0)


def _reap(channel: socket.socket, children: dict[int, int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        request_id = children.pop(pid, None)
        if request_id is not None:
            _reply(channel, {"id": request_id, "pid": pid, "status": status})


def _reply(channel: socket.socket, message: dict[str, Any]) -> None:
    try:
        channel.sendall(json.dumps(message).encode())
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
