"""What the kernel still owes the event loop: loopback TCP traffic that is on its way.

The virtual clock may jump to the next timer only when nothing else can happen
first. A real socket can: a byte written by one end of a loopback connection is
readable at the other end a moment later. Usually that moment is inside the
``send`` call itself (Linux delivers loopback segments in the sender's softirq),
but not always: under load the softirq is handed to ``ksoftirqd`` and delivery
waits for a scheduler slot. Jumping the clock in that gap fires timeouts that
real time would never fire.

So, before a jump, :class:`SocketLedger` asks the kernel about every socket the
loop watches (and every connection it has seen) and answers one of:

* ``SETTLED``   - every connection whose two ends are in this process has
  delivered all it sent (the receiver's byte count has caught up with the
  sender's, FINs included), no handshake is half done, and every closed end's
  FIN or RST has arrived. What happens next depends only on timers: jump.
* ``IN_FLIGHT`` - the kernel is still delivering something; wait real time on
  the selector (which returns as soon as it lands).
* ``UNKNOWN``   - a socket whose other end is not in this process (another
  process, a UDP socket, a pipe to a child): no count can say whether it will
  answer; give it a short real grace, as the loop always did.

Byte counts, not acknowledgements: a receiver in request/response ("pingpong")
mode delays its ACKs, so the sender's unacknowledged queue stays non-empty long
after the data is readable. ``tcpi_bytes_received`` of the receiver against
``tcpi_bytes_sent - tcpi_bytes_retrans`` of the sender is exact.

A sender whose peer's window is full holds bytes it has not sent yet. If the
receiving application has read everything that arrived, its window is open again
and the update that says so (then the rest of the data) is on its way: in flight,
exactly like bytes sent (a slow reader of a large reply depends on it). If the
receiver still has unread bytes, nothing says when its application will read them.

Linux only (``TCP_INFO`` layout); elsewhere every socket is ``UNKNOWN``.
"""

from __future__ import annotations

import fcntl
import os
import socket
import stat
import struct
import sys
import termios
from typing import Callable, Iterable

SETTLED = "settled"
IN_FLIGHT = "in-flight"
UNKNOWN = "unknown"

# tcp_states.h
ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING = range(1, 12)
# States in which this end has sent its FIN (it counts as one byte at the receiver).
FIN_SENT = {FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSING, LAST_ACK}
# States in which this end has not yet received the peer's FIN or RST.
PEER_OPEN = {ESTABLISHED, FIN_WAIT1, FIN_WAIT2, SYN_SENT, SYN_RECV}

# struct tcp_info (linux/tcp.h): offsets of the counters used, and the size that has them all (4.19+).
_INFO_SIZE = 232
_OFF_BYTES_RECEIVED = 128  # u64
_OFF_NOTSENT = 144  # u32
_OFF_BYTES_SENT = 200  # u64
_OFF_BYTES_RETRANS = 208  # u64
_HAVE_TCP_INFO = sys.platform.startswith("linux") and hasattr(socket, "TCP_INFO")

Address = tuple[str, int]
Key = tuple[Address, Address]  # (local, remote)


class _Static:
    """What never changes for one socket: kept per (fd, inode), so a reused fd is noticed."""

    __slots__ = ("family", "type", "local", "remote")

    def __init__(self, family: int, type: int, local: Address | None, remote: Address | None) -> None:
        self.family = family
        self.type = type
        self.local = local
        self.remote = remote


class Probe:
    """One TCP socket as the kernel sees it now."""

    __slots__ = ("fd", "ident", "local", "remote", "state", "received", "sent", "notsent", "unread")

    def __init__(self, fd: int, ident: tuple[int, int], local: Address, remote: Address | None, state: int,
                 received: int, sent: int, notsent: int, unread: int = 0) -> None:
        self.fd = fd
        self.ident = ident  # (fd, inode)
        self.local = local
        self.remote = remote
        self.state = state
        self.received = received  # data bytes received, plus one for a FIN
        self.sent = sent  # data bytes sent (first transmissions only)
        self.notsent = notsent  # bytes written but not yet sent (the peer's window is full)
        self.unread = unread  # bytes arrived that the application has not read yet

    @property
    def key(self) -> Key | None:
        return None if self.remote is None else (self.local, self.remote)

    @property
    def owed(self) -> int:
        """Bytes the peer should have received from us: data sent, plus our FIN once it is out."""
        return self.sent + (1 if self.state in FIN_SENT and self.notsent == 0 else 0)


def _address(value: object) -> Address | None:
    if isinstance(value, tuple) and len(value) >= 2:
        return (str(value[0]), int(value[1]))
    return None


class SocketLedger:
    """Decides whether loopback traffic is still on its way (see the module docstring)."""

    def __init__(self) -> None:
        self._static: dict[tuple[int, int], _Static] = {}
        # Connections seen open: key -> (fd, inode), or None once that end has closed. A closed end
        # is remembered while its peer is open, so the peer's wait for its FIN is told apart from
        # a peer outside this process.
        self._seen: dict[Key, tuple[int, int] | None] = {}
        self._listeners: dict[Address, bool] = {}  # local address -> watched by the loop (accepting)

    @property
    def empty(self) -> bool:
        """True when no connection is remembered (nothing to look at unless the loop watches a socket)."""
        return not self._seen

    def state(self, watched: Iterable[int]) -> str:
        """``SETTLED``, ``IN_FLIGHT`` or ``UNKNOWN`` for the file descriptors the loop watches."""
        watched = set(watched)
        candidates = watched | {ident[0] for ident in self._seen.values() if ident is not None}
        probes: dict[Key, Probe] = {}
        self._listeners = {}
        verdict = SETTLED
        unknown = False
        for fd in sorted(candidates):
            found = self._probe(fd, watched=fd in watched)
            if found is None:
                continue
            if found == UNKNOWN:
                unknown = True
                continue
            assert isinstance(found, Probe)
            if found.state in (SYN_SENT, SYN_RECV):
                verdict = IN_FLIGHT  # the handshake is still going back and forth
            elif found.state == LISTEN:
                self._listeners[found.local] = fd in watched
            elif found.key is not None:
                probes[found.key] = found
                self._seen[found.key] = found.ident
        for key, ident in list(self._seen.items()):
            if ident is not None and key not in probes:
                self._seen[key] = None  # that end has closed (or its fd now holds another socket)
        for probe in probes.values():
            judged = self._judge(probe, probes)
            if judged == IN_FLIGHT:
                verdict = IN_FLIGHT
            elif judged == UNKNOWN and probe.fd in watched:
                unknown = True
        for ident in [i for i in self._static if i[0] not in candidates]:
            del self._static[ident]  # that fd is no longer watched: its next socket is probed afresh
        # Closed ends whose peer is gone as well: nobody is left to wait for them.
        for key, ident in list(self._seen.items()):
            if ident is None and (key[1], key[0]) not in probes:
                del self._seen[key]
        if verdict == IN_FLIGHT:
            return IN_FLIGHT
        return UNKNOWN if unknown else SETTLED

    def _judge(self, probe: Probe, probes: dict[Key, Probe]) -> str:
        assert probe.remote is not None
        reverse = (probe.remote, probe.local)
        peer = probes.get(reverse)
        if peer is not None:
            if probe.received < peer.owed:
                return IN_FLIGHT
            if (peer.notsent and not probe.unread) or (probe.notsent and not peer.unread):
                return IN_FLIGHT  # a reader that has read everything has reopened the window: the rest is coming
            if peer.notsent or probe.notsent:
                return UNKNOWN  # the window reopens when the receiving application reads: nothing says when
            return SETTLED
        if reverse in self._seen:
            # Our own peer has closed: its FIN (or RST) must reach this end before time moves.
            return IN_FLIGHT if probe.state in PEER_OPEN else SETTLED
        listener = self._listening(probe.remote)
        if listener is not None:
            # Connected to one of our listeners, not yet accepted. A queued connection makes the
            # listener readable (the loop has just looked), so the last handshake segment is still
            # on its way; unless the loop no longer watches that listener: then nobody will accept.
            return IN_FLIGHT if listener and probe.state in PEER_OPEN else SETTLED
        return UNKNOWN  # the other end is outside this process

    def _listening(self, address: Address) -> bool | None:
        """Whether a listener of ours has ``address`` (True: the loop watches it), or None."""
        for local, watched in self._listeners.items():
            if local[1] == address[1] and local[0] in (address[0], "0.0.0.0", "::"):
                return watched
        return None

    def _probe(self, fd: int, *, watched: bool) -> Probe | str | None:
        """The socket behind ``fd``: a Probe for TCP, UNKNOWN for what cannot be counted, None to ignore."""
        try:
            info = os.fstat(fd)
        except OSError:
            return None  # closed
        if not stat.S_ISSOCK(info.st_mode):
            return UNKNOWN if watched else None  # a pipe (to a child process, say)
        ident = (fd, info.st_ino)
        try:
            sock = socket.socket(fileno=fd)  # borrowed: detached below, never closed
        except OSError:
            return None
        try:
            static = self._static.get(ident)
            if static is None:
                static = _Static(sock.family, sock.type, _address(_try(sock.getsockname)), _address(_try(sock.getpeername)))
                if static.remote is not None or sock.type != socket.SOCK_STREAM:
                    self._static[ident] = static  # a connected socket's addresses never change
            if static.family == socket.AF_UNIX:
                return None  # delivered inside the sending call: select() sees it at once
            if static.type != socket.SOCK_STREAM or not _HAVE_TCP_INFO or static.local is None:
                return UNKNOWN if watched else None
            raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _INFO_SIZE)
            unread = 0 if raw[0] == LISTEN else struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
        except OSError:
            return None
        finally:
            sock.detach()
        if len(raw) < _OFF_BYTES_RETRANS + 8:
            return UNKNOWN if watched else None  # a kernel older than 4.19 has no byte counts
        (received,) = struct.unpack_from("Q", raw, _OFF_BYTES_RECEIVED)
        (notsent,) = struct.unpack_from("I", raw, _OFF_NOTSENT)
        sent, retrans = struct.unpack_from("QQ", raw, _OFF_BYTES_SENT)
        return Probe(fd, ident, static.local, static.remote, raw[0], received, sent - retrans, notsent, unread)


def _try(call: Callable[[], object]) -> object:
    try:
        return call()
    except OSError:
        return None
