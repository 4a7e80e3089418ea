"""One grade: the learner's file, the lesson's scenarios, and the verdicts they produce."""

from __future__ import annotations

import asyncio
import gc
from contextlib import contextmanager, nullcontext
import io
import os
import sys
import traceback
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, Iterator

from . import report as R
from .clock import LoopAborted, TaskStack, VirtualClockLoop
from .learner import LearnerFile, in_importlib
from .signals import Interrupted, cancelled_by_interrupt, interrupt_cancels
from .static import StaticFinding
from .tracking import Span, TaskRecorder

if TYPE_CHECKING:
    from .integrity import Integrity

ASYNCIO_DIR = os.path.dirname(asyncio.__file__)
# Standard-library modules that read files for the caller's diagnostics, not its work.
QUIET_STDLIB = {"linecache.py", "traceback.py", "tokenize.py"}
OUTPUT_CAP = 64 * 1024
TIMELINE_CHECKS = {R.CONCURRENCY, R.BOUNDED, R.DEADLOCK, R.LEAKED_TASKS}


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freezes every object that exists now, so the full collections run after each loop
    scan only what the learner's code creates: hundreds of objects instead of the tens of
    thousands the interpreter, the harness and the lesson hold (a collection of those
    costs ~8 ms, more than the scenario it follows). Nested use is a no-op."""
    if gc.get_freeze_count() > 0:
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Finding:
    """Something a generic check saw, pinned to the learner's line when there is one.

    ``follows`` names the check whose failure this finding is only a consequence of
    (the learner's function raised, so the tasks it started were left running): the
    finding is then shown under that check's failure instead of failing a check of its own.
    """

    __slots__ = ("message", "line", "function", "follows")

    def __init__(self, message: str, line: int | None = None, function: str | None = None,
                 follows: str | None = None) -> None:
        self.message = message
        self.line = line
        self.function = function
        self.follows = follows

    def key(self) -> tuple[str, int | None]:
        return (self.message, self.line)


class CappedOutput(io.TextIOBase):
    """Captures what the learner prints, keeping the first ``cap`` characters."""

    def __init__(self, cap: int = OUTPUT_CAP) -> None:
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self.cap - self.size
        if room > 0:
            kept = text[:room]
            self.parts.append(kept)
            self.size += len(kept)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


class Interruption:
    """A scenario the learner's code cut short: it raised, deadlocked, ran out of time, or
    returned an awaitable instead of its result. What the scenario would have judged after
    that point was never observed."""

    __slots__ = ("title", "cause", "why")

    def __init__(self, title: str, cause: str, why: str) -> None:
        self.title = title
        self.cause = cause  # the check id that failed because of it
        self.why = why  # what happened, in a few words ("your code raised TypeError")


# Generic checks whose findings can be a mere consequence of an interruption (tasks left
# behind by a function that raised); a blocking call never is: it may be what caused it.
CONSEQUENTIAL = (R.UNAWAITED, R.LEAKED_TASKS, R.UNRETRIEVED)


class Session:
    """Everything one grade knows; the harness's single source of truth."""

    def __init__(self, lesson_id: str, learner: LearnerFile, checks: list[str], *, seed: int = 0) -> None:
        self.lesson_id = lesson_id
        self.learner = learner
        self.checks = checks
        self.seed = seed
        order = list(R.LEADING_CHECKS)
        order += [c for c in checks if c not in order and c not in R.TRAILING_CHECKS]
        order += list(R.TRAILING_CHECKS)
        self.results = R.Results(order)
        self.running_loop: VirtualClockLoop | None = None
        self.recorder: TaskRecorder | None = None
        self.virtual_seconds = 0.0
        self.scenario_budget = 600.0
        self.findings: dict[str, list[Finding]] = {}
        self.timeline: dict[str, Any] | None = None
        self.notes: list[str] = []
        self.output = CappedOutput()
        self.instrumentation: Any = None
        self.integrity: Integrity | None = None  # the tampering check, sealed right before the learner's code runs
        self.last_spans: list[Span] = []  # the last loop's timeline: the learner's tasks, then the io spans
        self.last_io_spans: list[Span] = []  # ...its io spans alone (the grader's fakes and servers)
        self.loops_run = 0
        self.asyncio_runs: list[str] = []  # the coroutines the learner's code handed to asyncio.run, by name
        # What importing the learner's file did: a clean module only defines things.
        self.import_loops = 0
        self.import_printed = ""
        self.static_findings: list[StaticFinding] = []
        # Tasks that outlived their loop's shutdown (they ignored cancellation). Kept referenced so the
        # garbage collector never closes their coroutines: closing runs learner code that may loop forever.
        self.stuck_tasks: list[Any] = []
        self._warnings_seen = 0
        # Schedule exploration (explore.py): the schedule new loops run under (None: asyncio's
        # ordinary order), and what each explored scenario did.
        self.schedule: Any = None
        self.explorations: list[Any] = []
        # The scenario running now, and the scenarios the learner's code cut short.
        self.scenario_title = "importing your file"  # until the first scenario starts
        self._scenario_findings: dict[str, int] = {}
        self._consequences: list[tuple[str, tuple[str, ...]]] = []
        self.interruptions: list[Interruption] = []
        # Set-up for the next loop new_loop() makes (Trial.signal_at arms its deliveries here), used once.
        self.next_loop_hooks: list[Callable[[VirtualClockLoop], None]] = []

    # -- loops ----------------------------------------------------------------

    def new_loop(self) -> VirtualClockLoop:
        loop = VirtualClockLoop()
        loop.deadline = self.scenario_budget
        loop.schedule = self.schedule
        hooks, self.next_loop_hooks = self.next_loop_hooks, []
        for hook in hooks:
            hook(loop)
        return loop

    def run_loop(self, coro: Any, *, entry: str, loop: VirtualClockLoop | None = None, context: Any = None,
                 interrupt: bool = False) -> Any:
        """Runs ``coro`` to completion on a fresh virtual-clock loop, then audits the loop.

        Used for the lesson's scenarios and for a learner's own ``asyncio.run``.
        Exceptions from the coroutine propagate; deadlocks and time limits are
        recorded, then raised as :class:`LoopAborted`. ``loop`` runs on a loop a
        learner's ``asyncio.Runner`` owns instead (it closes it: :meth:`close_loop`);
        ``interrupt`` lets SIGINT cancel the main task, as ``asyncio.run`` and
        ``asyncio.Runner`` do for the learner's own entry points (signals.py).
        """
        if self.running_loop is not None and self.running_loop.is_running():
            raise RuntimeError("asyncio.run() cannot be called from a running event loop")
        outer_loop, outer_recorder = self.running_loop, self.recorder
        self.loops_run += 1
        own_loop = loop is None
        loop = self.new_loop() if loop is None else loop
        recorder = TaskRecorder(self.learner, loop)
        loop.on_task_created = recorder.task_created
        loop.describe_task = recorder.describe
        loop.set_exception_handler(self._loop_exception)
        self.running_loop, self.recorder = loop, recorder
        asyncio.set_event_loop(loop)
        main_task: asyncio.Task[Any] | None = None
        try:
            main_task = loop.create_task(coro, context=context)
            recorder.by_task[id(main_task)].learner_line = None  # the entry point itself is ours
            with interrupt_cancels(main_task, loop) if interrupt else nullcontext(Interrupted()) as interrupted:
                try:
                    return loop.run_until_complete(main_task)
                except asyncio.CancelledError:
                    if cancelled_by_interrupt(main_task, interrupted):
                        raise KeyboardInterrupt() from None
                    raise
        except LoopAborted as aborted:
            self.loop_aborted(aborted)
            raise
        finally:
            if main_task is not None and main_task.done():
                self.check_leaks(recorder, entry)
            if own_loop:
                self.close_loop(loop)
            self.last_spans = recorder.spans()
            self.last_io_spans = list(recorder.io_spans)
            gc.collect()
            self.collect_task_faults(recorder)
            self.collect_warnings()
            self.running_loop, self.recorder = outer_loop, outer_recorder
            asyncio.set_event_loop(outer_loop)

    def close_loop(self, loop: VirtualClockLoop) -> None:
        """Shuts a loop down, checks the grader's clock on it was not tampered with, and
        counts its virtual time."""
        self._shut_down(loop)
        if self.integrity is not None and self.schedule is None:
            self.integrity.check_loop(loop)  # in asyncio's ordinary order: explored schedules rerun the same code
        self.virtual_seconds += loop.time()

    def _shut_down(self, loop: VirtualClockLoop) -> None:
        """Cancels what is left, like asyncio.run, without letting a stuck task hang us."""
        loop.deadline = loop.time() + 60.0
        loop.turn_budget = loop.turns + 200_000
        try:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            if not loop.children.empty:
                loop.run_until_complete(loop.children.stop())  # no child process outlives its scenario
            # Each pass below is a loop run of its own: skip the ones with nothing to do.
            if loop._asyncgens:
                loop.run_until_complete(loop.shutdown_asyncgens())
            if loop._default_executor is not None:
                loop.run_until_complete(loop.shutdown_default_executor())
        except LoopAborted:
            pass
        except BaseException as error:  # a task's cleanup misbehaved; the loop still closes
            self.notes.append(f"while shutting the event loop down: {type(error).__name__}: {error}")
        finally:
            self.stuck_tasks += [t for t in asyncio.all_tasks(loop) if not t.done()]
            try:
                loop.close()
            except Exception:
                pass

    # -- what the loop saw -------------------------------------------------------

    def loop_aborted(self, aborted: LoopAborted) -> None:
        lines = [f"{aborted.detail}."]
        lines += ["  " + text for text in self.describe_stacks(aborted.stacks)]
        self.results.failed(aborted.kind, "\n".join(lines) + "\n" + FIXES[aborted.kind])

    def describe_stacks(self, stacks: list[TaskStack]) -> list[str]:
        """One line per task that is somewhere in the learner's code (the grader's own tasks are noise)."""
        mine = [s for s in stacks if any(self.learner.owns(path) for path, _, _ in s.frames)]
        return [self.describe_stack(s) for s in (mine or stacks)[:8]]

    def describe_stack(self, stack: TaskStack) -> str:
        learner_frames = [(line, fn) for (path, line, fn) in stack.frames if self.learner.owns(path)]
        if learner_frames:
            line, fn = learner_frames[-1]
            where = f"waits at {self.learner.where(line, fn)}{self.learner.quote(line)}"
        else:
            where = "waits outside your code"
        if stack.waiting_on:
            where += f" — on {stack.waiting_on}"
        return f"{stack.name} {where}"

    def check_leaks(self, recorder: TaskRecorder, entry: str, since: int = 0, *, spare_cancelled: bool = False) -> None:
        """Records the learner's tasks still running when ``entry`` returned as leaked.

        With ``spare_cancelled``, a task that was asked to cancel is given until the
        scenario ends: `cancel()` only asks, and the task ends at its next turn, so a
        function that cancels a task and returns without awaiting it leaves nothing
        running. Only if it is still running at the end of the scenario (it swallowed
        the cancellation, or its cleanup never finished) is it a leak.
        """
        for record in recorder.pending_learner_tasks(since):
            if record.reported_leak:
                continue
            if spare_cancelled and record.task.cancelling():
                record.spared_by = record.spared_by or entry
                continue
            record.reported_leak = True
            where = f"{self.learner.where(record.learner_line or 0, record.learner_function)}{self.learner.quote(record.learner_line or 0)}"
            if record.spared_by:
                what = (f"was cancelled before {record.spared_by} returned, yet still running when the scenario ended: "
                        "it swallowed the CancelledError, or its cleanup never finished")
            else:
                what = f"was still running when {entry} returned"
            self.add_finding(R.LEAKED_TASKS, Finding(
                f"the task running {record.label}() created at {where} {what}", record.learner_line, record.learner_function))

    def collect_task_faults(self, recorder: TaskRecorder) -> None:
        for record in recorder.learner_records():
            task = record.task
            # _log_traceback is asyncio's own "exception set, never retrieved" flag.
            if not task.done() or task.cancelled() or not getattr(task, "_log_traceback", False):
                continue
            error = task.exception()  # retrieving it also stops asyncio logging it at exit
            self.add_finding(R.UNRETRIEVED, Finding(
                f"the task running {record.label}() created at {self.learner.where(record.learner_line or 0, record.learner_function)}"
                f" raised {type(error).__name__}: {error} and nothing ever awaited it or read its exception",
                record.learner_line, record.learner_function))

    def _loop_exception(self, loop: Any, context: dict[str, Any]) -> None:
        """asyncio's last word on an error nobody handled (a callback raised, a task died unobserved)."""
        error = context.get("exception")
        if error is None or not any(True for _ in self.learner.traceback_frames(error.__traceback__)):
            return
        frames = list(self.learner.traceback_frames(error.__traceback__))
        line, function = frames[-1]
        # A CancelledError nobody retrieved comes from cancelling tasks the learner left running
        # (the shutdown does that): it is part of that leak, not a second mistake.
        follows = R.LEAKED_TASKS if isinstance(error, asyncio.CancelledError) else None
        self.add_finding(R.UNRETRIEVED, Finding(
            f"{context.get('message', 'an error went unhandled')}: {type(error).__name__}: {error}, "
            f"raised at {self.learner.where(line, function)}{self.learner.quote(line)}", line, function, follows))

    def collect_warnings(self) -> None:
        if self.instrumentation is None:
            return
        caught = self.instrumentation.warnings
        for message in caught[self._warnings_seen:]:
            text = str(message.message)
            if issubclass(message.category, RuntimeWarning) and "was never awaited" in text:
                self._unawaited(message)
            elif not issubclass(message.category, (DeprecationWarning, PendingDeprecationWarning, ResourceWarning)):
                if self.learner.owns(message.filename):
                    self.note(f"warning at {self.learner.where(message.lineno)}: {message.category.__name__}: {text}")
        self._warnings_seen = len(caught)

    def _unawaited(self, message: Any) -> None:
        coro = getattr(message, "source", None)
        name = getattr(coro, "__qualname__", None) or str(message.message).split("'")[1]
        origin = getattr(coro, "cr_origin", None) or ()
        line = function = None
        for path, lineno, fn in origin:
            if self.learner.owns(path):
                line, function = lineno, fn
                break
        if line is None and origin:
            return  # made by the grader itself, not the learner
        where = f" at {self.learner.where(line, function)}{self.learner.quote(line)}" if line else ""
        outside = " (outside any coroutine there is nothing to await it with: asyncio.run(...) runs it)" if function == "<module>" else ""
        self.add_finding(R.UNAWAITED, Finding(
            f"the coroutine {name}() was created{where} but never awaited, so its body never ran{outside}", line, function))

    def forget_findings_since(self, snapshot: dict[str, int]) -> None:
        """Drops the generic findings (and unread warnings) that came after ``snapshot`` of finding counts.

        For runs the learner is not answerable for, such as their tests against a broken subject.
        """
        for check_id, found in self.findings.items():
            del found[snapshot.get(check_id, 0):]
        if self.instrumentation is not None:
            self._warnings_seen = len(self.instrumentation.warnings)

    def blocking_call(self, what: str, seconds: float | None, *, asyncio_ok: bool = False) -> None:
        """Records a blocking call on the loop thread, if the learner's code made it."""
        frame: FrameType | None = sys._getframe(1)
        if in_importlib(frame):
            return
        learner_frame = None
        while frame is not None:
            filename = frame.f_code.co_filename
            if self.learner.owns(filename):
                learner_frame = frame
                break
            if asyncio_ok and (filename.startswith(ASYNCIO_DIR) or os.path.basename(filename) in QUIET_STDLIB):
                return  # asyncio (or a diagnostic helper) does this on the learner's behalf, correctly
            frame = frame.f_back
        if learner_frame is None:
            return
        line, function = learner_frame.f_lineno, learner_frame.f_code.co_name
        stalled = f" for {seconds:g} s" if seconds else ""
        self.add_finding(R.BLOCKING, Finding(
            f"{what}{stalled}, called from {self.learner.where(line, function)}{self.learner.quote(line)}: "
            "while it runs, no other task can make progress", line, function))

    def add_finding(self, check_id: str, finding: Finding) -> None:
        found = self.findings.setdefault(check_id, [])
        if all(f.key() != finding.key() for f in found):
            found.append(finding)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def io_span(self, span: Span) -> None:
        if self.recorder is not None:
            self.recorder.io_spans.append(span)

    # -- scenarios cut short ------------------------------------------------------

    def scenario_started(self, title: str) -> None:
        self.scenario_title = title
        self._scenario_findings = {key: len(found) for key, found in self.findings.items()}
        self._consequences = []

    def scenario_ended(self) -> None:
        """Findings that arrive as the scenario's loop closes (never-awaited coroutines are
        only noticed when collected) follow from what the scenario said they follow from."""
        for cause, check_ids in self._consequences:
            self.mark_consequences(cause, check_ids)

    def found_in_scenario(self, check_id: str) -> bool:
        return len(self.findings.get(check_id, [])) > self._scenario_findings.get(check_id, 0)

    def mark_consequences(self, cause: str, check_ids: tuple[str, ...], *, later: bool = False) -> None:
        """The findings of ``check_ids`` in the running scenario follow from ``cause`` (if it fails);
        with ``later``, so do those found until the scenario ends."""
        if later:
            self._consequences.append((cause, check_ids))
        for check_id in check_ids:
            for finding in self.findings.get(check_id, [])[self._scenario_findings.get(check_id, 0):]:
                if finding.follows is None:
                    finding.follows = cause

    def interrupted(self, cause: str, why: str) -> None:
        """The running scenario was cut short by the learner's code (``cause`` failed because of it).

        The tasks, coroutines and exceptions it left behind follow from that: they are
        shown as consequences, not failed as mistakes of their own.
        """
        self.interruptions.append(Interruption(self.scenario_title, cause, why))
        self.mark_consequences(cause, CONSEQUENTIAL)

    def time_ran_out(self, frame: FrameType | None, budget: float) -> None:
        """The real-time budget ran out while the grade was at ``frame``: fail ``time-limit``, and
        still report everything seen until then.

        A blocking call recorded before is the likely reason; when the grade ran out of
        time inside that very call, the time limit is its consequence, not a second mistake.
        """
        learner_frame = self.learner.innermost_frame(frame)
        busy_line = learner_frame.f_lineno if learner_frame is not None else None
        blocked = busy_line is not None and any(f.line == busy_line for f in self.findings.get(R.BLOCKING, []))
        if blocked:
            lines = [f"the grade ran out of its {budget:g} s of real time while the event loop thread was blocked in a call "
                     "(see `blocking`)."]
        else:
            lines = [f"the grade ran out of its {budget:g} s of real time (CPU-bound code never gives the event loop a turn)."]
        if learner_frame is not None and busy_line is not None:
            lines.append(f"  busy at {self.learner.where(busy_line, learner_frame.f_code.co_name)}{self.learner.quote(busy_line)}")
        loop = self.running_loop
        if loop is not None:
            try:
                lines += ["  " + text for text in self.describe_stacks(loop.snapshot())]
            except Exception:  # the loop's state is mid-step: the stacks are a bonus
                pass
        fix = ("Fix: move the blocking call off the loop (its asyncio version, or `asyncio.to_thread`)." if blocked
               else "Fix: every loop needs a way out; long computations belong in `asyncio.to_thread`.")
        self.collect_warnings()
        self.results.failed(R.TIME_LIMIT, "\n".join(lines) + "\n" + fix, follows=R.BLOCKING if blocked else None,
                            brief=f"the grade ran out of its {budget:g} s of real time inside that call, at line {busy_line}")
        self.interrupted(R.TIME_LIMIT, "the grade ran out of time")
        self.conclude_generic_checks()
        self.apply_static_findings()
        self.results.skip_unset("not reached: the grade ran out of time")

    # -- the verdict ------------------------------------------------------------

    def conclude_generic_checks(self) -> None:
        """Turns what the generic checks saw into verdicts, then settles what could not be judged.

        Findings that only follow from another failure are shown under it (a ``skip``
        naming that check); a check the lesson declares, passed in some scenarios but
        not observed in one the learner's code cut short, is a ``skip`` with the reason,
        never a pass.
        """
        results = self.results
        gc.collect()  # coroutines dropped after the last loop (a plain `def` scenario) warn when collected
        self.collect_warnings()
        for check_id in (R.TIME_LIMIT, R.DEADLOCK):
            if results.checks[check_id].status == R.SKIP and results.checks[check_id].follows is None:
                results.passed(check_id)
        for check_id in (R.BLOCKING, R.UNAWAITED, R.LEAKED_TASKS, R.UNRETRIEVED):
            found = self.findings.get(check_id, [])
            primary = [f for f in found if f.follows is None]
            secondary = [f for f in found if f.follows is not None]
            if primary:
                results.failed(check_id, self._summarise(check_id, primary))
            if secondary:
                more = f" (and {len(secondary) - 1} more)" if len(secondary) > 1 else ""
                results.failed(check_id, self._summarise(check_id, secondary), follows=secondary[0].follows,
                               brief=secondary[0].message + more)
            if not found:
                results.passed(check_id)
        results.resolve()
        self._skip_unobserved()

    def _summarise(self, check_id: str, found: list[Finding]) -> str:
        shown = [f.message for f in found[:3]]
        more = f"\n  (and {len(found) - 3} more)" if len(found) > 3 else ""
        text = shown[0] if len(shown) == 1 else "\n".join(f"  • {m}" for m in shown)
        return f"{text}{more}\n{FIXES[check_id]}"

    def _skip_unobserved(self) -> None:
        """Passes that a scenario cut short could not confirm become skips that say why."""
        results = self.results
        cut = [i for i in self.interruptions if results.failing(i.cause)]
        if not cut:
            return
        first = cut[0]
        reason = (f"not fully judged: “{first.title}” stopped when {first.why} (see `{results.culprit(first.cause)}`), "
                  "before it could look at this")
        # When time ran out, the remaining scenarios never ran: nothing after that was seen at all.
        out_of_time = any(i.cause == R.TIME_LIMIT for i in cut)
        for check_id, result in results.checks.items():
            judged_by_lesson = check_id in self.checks and check_id != R.TESTS_CATCH_MUTANTS
            generic = check_id not in (R.COMPILE, R.RUN, R.TIME_LIMIT)
            if result.status == R.PASS and (judged_by_lesson or (out_of_time and generic)):
                result.status, result.message = R.SKIP, reason

    def apply_static_findings(self) -> None:
        """Points failing checks at the lines the static pass found; every other finding becomes a note.

        The dynamic checks decide the grade: a static finding alone never fails it.
        """
        name = os.path.basename(self.learner.path)
        for finding in self.static_findings:
            where = f"{name}:{finding.line}" + (f" (in {finding.function})" if finding.function else "")
            where += self.learner.quote(finding.line)
            result = self.results.checks.get(finding.check_id)
            if result is not None and result.status == R.FAIL:
                if any(f.line == finding.line for f in self.findings.get(finding.check_id, [])):
                    continue  # the dynamic message already shows this line
                result.message += f"\nWhere: {where}: {finding.explanation}"
            else:
                self.note(f"{where}: {finding.message}")

    def report(self, status_override: str | None = None) -> dict[str, Any]:
        if self.integrity is not None:
            self.integrity.conclude()  # here, so that every way a grade ends decides it
        self.results.finish()
        body: dict[str, Any] = {
            "lesson": self.lesson_id,
            "file": self.learner.path,
            "status": status_override or self.results.status(),
            "checks": self.results.as_json(),
            "seed": self.seed,
            "virtual_seconds": round(self.virtual_seconds, 6),
            "python": ".".join(str(p) for p in sys.version_info[:3]),
        }
        if self.notes:
            body["notes"] = self.notes[:20]
        if self.timeline is not None:
            body["timeline"] = self.timeline
        output = self.output.getvalue()
        if output:
            body["output"] = output[:4000]
        return body


FIXES = {
    R.DEADLOCK: "Fix: make sure whatever each task awaits (an event, a queue item, a lock, another task) is eventually provided.",
    R.TIME_LIMIT: "Fix: make sure the loop ends: every `while` needs a way out, and long waits need a timeout.",
    R.BLOCKING: "Fix: await the asyncio version (`await asyncio.sleep(...)`), or move the blocking call to a thread with `await asyncio.to_thread(func, ...)`.",
    R.UNAWAITED: "Fix: put `await` in front of the call, or pass the coroutine to `asyncio.create_task`/`asyncio.gather` and await that.",
    R.LEAKED_TASKS: "Fix: await every task you start (or cancel it and await the cancellation) before returning.",
    R.UNRETRIEVED: "Fix: await the task (or gather it with `return_exceptions=True`) so its exception is handled.",
}


def internal_error(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))[-3000:]


def learner_raised(session: Session, error: BaseException) -> bool:
    return any(True for _ in session.learner.traceback_frames(error.__traceback__))

