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
        """The exception, and the learner's lines it passed through (innermost last)."""
        frames = list(self.traceback_frames(error.__traceback__))
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if not frames:
            return text
        lines = [text]
        for lineno, function in frames[-4:]:
            lines.append(f"  {self.where(lineno, function)}{self.quote(lineno)}")
        return "\n".join(lines)


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


def shorten(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def in_importlib(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False
