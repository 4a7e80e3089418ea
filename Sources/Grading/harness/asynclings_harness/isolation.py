"""Namespaces of its own for every grade the warm fork server starts.

The fork server (server.py) runs inside one bubblewrap sandbox: a read-only view of
the interpreter, the harness and the lessons' checks, no network, no host processes.
That sandbox is built once; the grades it forks must not share anything with each
other or with the server. So each forked grade, before any learner code runs:

1. leaves the server's namespaces: a user namespace of its own (where it may set up
   the rest), and new mount, PID, network, IPC and UTS namespaces;
   (and hides the server's ``/proc``, which it needed to set up the user namespace);
2. mounts a private, size-limited scratch folder over ``/tmp`` (gone with the grade);
3. forks the grade itself, PID 1 of the new namespace: when it exits, the kernel kills
   every process it started, whatever they did to escape (``setsid``, double forks);
4. brings up its own loopback interface, so the lesson's servers work and nothing else
   is reachable;
5. drops every capability for good (bounding set, effective set, no new privileges),
   so learner code cannot undo any of it.

These are the same kernel facilities bubblewrap itself uses; only the per-grade step
is done here, because bubblewrap cannot confine a process that is already running
(and a warm grade is a fork, not an exec). Linux only; the calls go through ctypes
because ``os.unshare`` and ``mount`` are missing from Python 3.11.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
GRADE_NAMESPACES = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_REC = 0x4000
MS_PRIVATE = 1 << 18

PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
LAST_CAPABILITY = 63  # more than any kernel defines: unknown ones fail harmlessly

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1

_libc = ctypes.CDLL(None, use_errno=True)


class IsolationError(OSError):
    """A step of setting a grade apart failed: the grade must not run."""


def _check(result: int, step: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise IsolationError(code, f"{step}: {os.strerror(code)}")


def enter_namespaces() -> None:
    """Moves the calling process into new user, mount, network, IPC and UTS namespaces,
    and makes its next child PID 1 of a new PID namespace. The caller keeps its own uid
    and gid (mapped onto themselves) and gains capabilities only inside the new user
    namespace."""
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(GRADE_NAMESPACES), "unshare")
    # An unprivileged map of one id onto itself; setgroups must be denied first.
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    # Nothing mounted from here on may reach the server's mount namespace.
    _check(_libc.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "private mounts")
    # The server's /proc (needed above, for the maps) shows the server and the other grades:
    # hide it. A grade sees no /proc at all, as a cold grade does not.
    _check(_libc.mount(b"none", b"/proc", b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_RDONLY), b"size=4k,mode=0555"),
           "hiding /proc")


def mount_scratch(path: str, size_bytes: int) -> None:
    """A fresh tmpfs of at most ``size_bytes`` over ``path``: the grade's only writable folder."""
    options = f"size={max(size_bytes, 4096)},mode=1777".encode()
    _check(_libc.mount(b"tmpfs", path.encode(), b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV), options),
           f"scratch tmpfs on {path}")


def die_with_parent() -> None:
    """SIGKILL when the parent exits: the grade (its namespace's PID 1) goes when the process
    the server watches is killed (a timeout), and with it the whole PID namespace."""
    import signal

    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "parent-death signal")


def bring_up_loopback() -> None:
    """Sets ``lo`` up in the grade's fresh network namespace (it starts down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as handle:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(handle, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(handle, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_privileges() -> None:
    """Gives up every capability, now and for any program this process may exec."""
    for capability in range(LAST_CAPABILITY + 1):
        _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)  # EINVAL past the kernel's last one
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    _check(_libc.capset(ctypes.byref(header), (_CapData * 2)()), "dropping capabilities")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
