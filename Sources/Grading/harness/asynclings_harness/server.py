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
every process the grade started. This process only forks and reaps. It exits when the
socket closes.
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
from . import isolation
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
            _start(channel, children, data, fds, isolated)


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


def _start(channel: socket.socket, children: dict[int, int], data: bytes, fds: list[int], isolated: bool) -> None:
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
        _become_child(channel, request, fds, isolated)  # never returns
    for fd in fds:
        os.close(fd)
    children[pid] = request["id"]
    pidfd = os.pidfd_open(pid)
    try:
        _reply(channel, {"id": request["id"], "pid": pid}, fds=[pidfd])
    finally:
        os.close(pidfd)


def _become_child(channel: socket.socket, request: dict[str, Any], fds: list[int], isolated: bool) -> None:
    """In the forked child: the descriptors as 0-3, then either the grade itself or, isolated,
    the grade inside namespaces of its own. Never returns."""
    try:
        os.setsid()  # its own session and process group: no controlling terminal to write to
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
        isolation.die_with_parent()
        isolation.bring_up_loopback()
        isolation.drop_privileges()
        _become_grade(request)
    for fd in range(4):
        os.close(fd)  # only the grade's processes hold its pipes: EOF means they are all gone
    while True:
        try:
            _, status = os.waitpid(grade, 0)
            break
        except InterruptedError:
            continue
    _exit_as(status)


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
