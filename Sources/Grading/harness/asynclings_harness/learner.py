"""The learner's file: compiling it, importing it, and pointing at its lines."""

from __future__ import annotations

import linecache
import types
from types import FrameType, TracebackType
from typing import Any, Iterator

MAX_SOURCE_BYTES = 1_000_000


class CompileError:
    """Why the file does not compile, with the line and a caret under the spot."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class LearnerFile:
    """One learner file, compiled once, importable as a module."""

    def __init__(self, path: str, source: bytes) -> None:
        self.path = path
        self.source = source
        self.code: types.CodeType | None = None
        self.lines: list[str] = []

    @classmethod
    def read(cls, path: str) -> LearnerFile:
        with open(path, "rb") as handle:
            source = handle.read(MAX_SOURCE_BYTES + 1)
        return cls(path, source)

    def compile(self) -> CompileError | None:
        """Compiles the source; returns why not, in the learner's terms."""
        if len(self.source) > MAX_SOURCE_BYTES:
            return CompileError(f"the file is larger than {MAX_SOURCE_BYTES:,} bytes; an exercise file should be a few kilobytes")
        try:
            self.code = compile(self.source, self.path, "exec", dont_inherit=True)
        except SyntaxError as error:
            return CompileError(describe_syntax_error(error))
        except (ValueError, UnicodeDecodeError) as error:
            # Null bytes, or bytes that are not valid in the file's encoding.
            return CompileError(f"the file cannot be read as Python source: {error}")
        except (RecursionError, MemoryError):
            # An expression nested (or chained) too deeply for the compiler itself.
            return CompileError("the file is nested too deeply for Python to compile it "
                                "(an expression or block inside thousands of others); split it up")
        text = self.source.decode("utf-8", "replace")
        self.lines = text.splitlines()
        # Let tracebacks and linecache show the graded bytes, even if the file changes.
        linecache.cache[self.path] = (len(text), None, [line + "\n" for line in self.lines], self.path)
        return None

    def new_module(self, name: str) -> types.ModuleType:
        module = types.ModuleType(name)
        module.__file__ = self.path
        module.__builtins__ = __builtins__  # type: ignore[attr-defined]
        return module

    def execute(self, module: types.ModuleType) -> None:
        """Runs the compiled code in ``module`` (exceptions propagate)."""
        assert self.code is not None
        exec(self.code, module.__dict__)

    # -- pointing at lines ------------------------------------------------

    def owns(self, filename: str) -> bool:
        return filename == self.path

    def line_text(self, lineno: int) -> str:
        if 1 <= lineno <= len(self.lines):
            return self.lines[lineno - 1].strip()
        return ""

    def innermost_frame(self, frame: FrameType | None) -> FrameType | None:
        """The nearest frame of the learner's file, walking outwards from ``frame``."""
        while frame is not None:
            if frame.f_code.co_filename == self.path:
                return frame
            frame = frame.f_back
        return None

    def where(self, lineno: int, function: str | None = None) -> str:
        """``line 12 (in fetch_all)``: how messages point at the learner's code."""
        place = f"line {lineno}"
        if function and not function.startswith("<"):
            place += f" (in {function})"
        return place

    def quote(self, lineno: int) -> str:
        text = self.line_text(lineno)
        return f": `{text}`" if text else ""

    def traceback_frames(self, tb: TracebackType | None) -> Iterator[tuple[int, str]]:
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.path:
                yield tb.tb_lineno, tb.tb_frame.f_code.co_name
            tb = tb.tb_next

    def describe_exception(self, error: BaseException) -> str:
        """The exception, the learner's lines it passed through (innermost last), and what a
        well-known asyncio misuse behind it means."""
        frames = list(self.traceback_frames(error.__traceback__))
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        lines = [text]
        for lineno, function in frames[-4:]:
            lines.append(f"  {self.where(lineno, function)}{self.quote(lineno)}")
        meaning = asyncio_misuse(error)
        if meaning:
            lines.append(meaning)
        return "\n".join(lines)


def asyncio_misuse(error: BaseException) -> str | None:
    """What an exception asyncio raises when it is handed the wrong thing means, in the learner's terms.

    The messages are asyncio's and the interpreter's own, as each tested Python words
    them (3.14 reworded two); the innermost function of the traceback tells, e.g.,
    gather's complaint about a list from any other TypeError.
    """
    message = str(error)
    innermost = ""
    tb = error.__traceback__
    while tb is not None:
        innermost, path = tb.tb_frame.f_code.co_name, tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    if isinstance(error, TypeError):
        # 3.14: "cannot use 'list' as a dict key (unhashable type: 'list')"
        if "unhashable type: 'list'" in message and innermost == "gather":
            return ("asyncio.gather was given one list: it takes each awaitable as an argument of its own, "
                    "so spread the list into arguments with `*`.")
        if message.startswith("An asyncio.Future, a coroutine or an awaitable is required"):
            return ("asyncio was handed something that cannot be awaited: it needs coroutine objects (an async "
                    "function, called), tasks or futures, each as an argument of its own.")
        # 3.11-3.13: "object int can't be used in 'await' expression"; 3.14: "'int' object can't be awaited"
        if "can't be used in 'await' expression" in message or message.endswith("object can't be awaited"):
            return ("`await` was given a plain value: only coroutines, tasks and futures can be awaited. Was the "
                    "value already awaited once, or does it come from a plain `def`?")
        if message.startswith("a coroutine was expected, got <function"):
            return "asyncio was given the async function itself: call it to make the coroutine object it needs."
        if message.startswith("a coroutine was expected"):
            return "asyncio was given something that is not a coroutine object: call an async function to make one."
        if message.startswith("Passing coroutines is forbidden"):
            return "asyncio.wait takes tasks, not coroutines: wrap each coroutine in asyncio.create_task first."
        if message.endswith("object is not callable") and path.endswith(("concurrent/futures/thread.py", "asyncio/threads.py")):
            return ("the worker thread was handed a value instead of a function: the function had already been called, "
                    "on the event loop. Pass the function and its arguments separately so the thread makes the call.")
    if isinstance(error, RuntimeError):
        if message.startswith("asyncio.run() cannot be called from a running event loop"):
            return ("asyncio.run starts an event loop, but this code already runs inside one: await the coroutine "
                    "instead.")
        if message == "cannot reuse already awaited coroutine":
            return "a coroutine object runs only once: call the async function again for a fresh one."
    return None


def describe_syntax_error(error: SyntaxError) -> str:
    """``line 3: expected ':'`` followed by the line and a caret."""
    lineno = error.lineno or 0
    parts = [f"line {lineno}: {error.msg}" if lineno else str(error.msg)]
    text = (error.text or "").rstrip("\n")
    if text.strip():
        stripped = text.lstrip()
        indent = len(text) - len(stripped)
        parts.append(f"    {stripped}")
        offset = error.offset or 0
        if offset > indent:
            end = getattr(error, "end_offset", None) or offset + 1
            if getattr(error, "end_lineno", lineno) != lineno or end <= offset:
                end = offset + 1
            width = max(1, min(end - offset, len(text) - offset + 1))
            parts.append("    " + " " * (offset - 1 - indent) + "^" * width)
    return "\n".join(parts)


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``1 fetch``, ``2 fetches``: a number with its noun in agreement."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def shorten(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def in_importlib(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False
