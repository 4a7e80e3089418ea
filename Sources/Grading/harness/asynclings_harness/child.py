"""The grader's child program: a scripted process that sleeps on the grade's virtual clock.

Lessons about subprocesses give the learner's code a command line made by
``children.command(...)``::

    python -I -S .../asynclings_harness/child.py ADDRESS STEPS

``STEPS`` is a JSON list run in order:

* ``["out", text, times]`` / ``["err", text, times]`` - write ``text`` ``times`` times to
  standard output / standard error (so a few bytes of command line stand for megabytes);
* ``["sleep", seconds]``   - sleep that many seconds of the grade's *virtual* time;
* ``["exit", code]``       - exit with ``code`` (the default after the last step is 0).

``ADDRESS`` names the grade's control socket (an abstract Unix socket, see
``children.ControlPort``). Over it the program tells the event loop what it is doing,
one line per change, so that the virtual clock knows when it may move on:

* ``write INODE`` before writing to the pipe with that inode (the loop counts the
  program as waiting only while that pipe is full), ``busy`` once the write is done;
* ``sleep SECONDS`` before a sleep, then it blocks until the loop sends one byte, when
  its clock reaches the end of the sleep.

Without a reachable address (the command run by hand, outside a grade) a sleep is a
real one. This file runs on its own, outside the harness package: stdlib only.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time

CHUNK = 1 << 16


class Clock:
    """The link to the grade's event loop, or real time when there is none."""

    def __init__(self, address: str) -> None:
        self.sock: socket.socket | None = None
        if not address:
            return
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect("\0" + address)
        except OSError:
            return
        self.sock = sock

    def tell(self, line: str) -> None:
        if self.sock is not None:
            self.sock.sendall(line.encode() + b"\n")

    def sleep(self, seconds: float) -> None:
        if self.sock is None:
            time.sleep(seconds)
            return
        self.tell(f"sleep {seconds!r}")
        if not self.sock.recv(1):
            sys.exit(0)  # the grade is over: nobody will wake us


def write(clock: Clock, fd: int, text: str, times: int) -> None:
    data = text.encode()
    if not data or times <= 0:
        return
    clock.tell(f"write {os.fstat(fd).st_ino}")
    # Whole copies per chunk, so memory stays small whatever `times` is.
    per_chunk = max(1, CHUNK // len(data))
    left = times
    while left > 0:
        count = min(per_chunk, left)
        view = memoryview(data * count)
        while view:
            view = view[os.write(fd, view):]
        left -= count
    clock.tell("busy")


def main(argv: list[str]) -> int:
    address, steps = argv[1], json.loads(argv[2])
    clock = Clock(address)
    try:
        for step in steps:
            kind = step[0]
            if kind == "out":
                write(clock, 1, step[1], step[2] if len(step) > 2 else 1)
            elif kind == "err":
                write(clock, 2, step[1], step[2] if len(step) > 2 else 1)
            elif kind == "sleep":
                clock.sleep(float(step[1]))
            elif kind == "exit":
                return int(step[1])
            else:
                raise ValueError(f"unknown step {step!r}")
    except BrokenPipeError:
        return 1  # whoever read our output stopped reading: nothing to say it to
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
