"""Entry point of the grading child process.

    python -I grade.py --lesson-dir DIR --lesson-id ID --file PATH --report-fd 3 [--seed N] [--budget S]
                       [--processes N] [--sealed]

Writes exactly one JSON report to the report descriptor and exits 0, whatever
the learner's code does; the Swift side treats a missing report as a crash.

``--sealed`` is how the Swift side runs every grade: standard input then carries a
secret key line and the learner's source (written to PATH before anything else runs,
so the grader never reads a file the learner could still change), and the report is
framed with the key (report.py), so bytes anyone else writes to the report descriptor
are told apart from the grader's own.
"""

from __future__ import annotations

import fcntl
import gc
import resource
import importlib.util
import os
import signal
import sys
from contextlib import redirect_stdout
from types import FrameType, ModuleType
from typing import Any

from . import report as R
from . import static
from .clock import LoopAborted
from .instrument import Instrumentation, real_perf_counter
from .integrity import Integrity
from .learner import LearnerFile
from .session import Session, internal_error, learner_raised
from .trial import REGISTERED, Abort, Scenario, Trial

REPORT_FD_FLOOR = 500  # moved up here so stray writes to fd 3 cannot forge a report


class Harness:
    def __init__(self, args: Arguments) -> None:
        self.args = args
        self.started = real_perf_counter()
        self.report_fd = fcntl.fcntl(args.report_fd, fcntl.F_DUPFD_CLOEXEC, REPORT_FD_FLOOR)
        os.close(args.report_fd)
        self.key: bytes | None = None
        if args.sealed:
            self.key = self.open_envelope()
        if args.processes is not None:
            # Inside the sandbox's own user namespace this counts the grade's processes and
            # threads alone (the kernel exempts root, whatever the limit says).
            resource.setrlimit(resource.RLIMIT_NPROC, (args.processes, args.processes))
        self.session: Session | None = None
        self.reported = False

    def open_envelope(self) -> bytes:
        """Reads the key and the learner's source from standard input, writes the source to
        the file to grade, and leaves standard input on /dev/null like an ordinary grade's."""
        chunks = []
        while chunk := os.read(0, 1 << 16):
            chunks.append(chunk)
        key, _, source = b"".join(chunks).partition(b"\n")
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.makedirs(os.path.dirname(self.args.file) or ".", exist_ok=True)
        with open(self.args.file, "wb") as handle:
            handle.write(source)
        return key

    # -- the one report -------------------------------------------------------------

    def finish(self, body: dict[str, Any]) -> None:
        if self.reported:
            return
        self.reported = True
        body["wall_seconds"] = round(real_perf_counter() - self.started, 6)
        R.write_report(self.report_fd, body, key=self.key)
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()  # type: ignore[union-attr]  # None (no such stream) raises: caught
            except Exception:
                pass
        os._exit(0)  # skip interpreter teardown: learner atexit hooks and destructors cannot change the verdict

    def course_error(self, message: str, *, environment: bool = False) -> None:
        """Ends the grade with an ``error``: the lesson (or, with ``environment``, the Python
        running it) is at fault, not the learner's code."""
        body = {
            "lesson": self.args.lesson_id, "file": self.args.file, "status": R.ERROR,
            "checks": [{"id": R.RUN, "status": R.ERROR, "message": message}],
            "seed": self.args.seed, "virtual_seconds": 0.0,
        }
        if environment:
            body["environment"] = True
        self.finish(body)

    # -- real-time budget -------------------------------------------------------------

    def arm_budget(self, seconds: float) -> None:
        signal.signal(signal.SIGALRM, self._out_of_time)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def _out_of_time(self, signum: int, frame: FrameType | None) -> None:
        session = self.session
        if session is None:
            self.course_error("the grader ran out of time before the exercise started")
            return
        session.time_ran_out(frame, self.args.budget)
        self.finish(session.report())

    # -- the grade -----------------------------------------------------------------------

    def run(self) -> None:
        args = self.args
        self.arm_budget(args.budget)
        check_module = self.load_check_script()
        if check_module is None:
            return
        missing = [name for name in getattr(check_module, "REQUIRES", ()) if importlib.util.find_spec(name) is None]
        if missing:
            # The learner's file will import these too: without them no verdict would mean anything.
            self.course_error(
                f"this lesson needs the Python package{'s' if len(missing) > 1 else ''} {', '.join(f'`{m}`' for m in missing)}, "
                f"not installed for {sys.executable}.\nFix: run `make venv` (it installs requirements.txt into .venv), "
                "or grade with a Python that has them (`--python PATH`).", environment=True)
            return
        checks = list(getattr(check_module, "CHECKS", []))
        unknown = [c for c in checks if c not in R.ALL_CHECKS]
        if unknown:
            self.course_error(f"{args.lesson_dir}/check.py declares unknown check ids {unknown}; valid ids: {', '.join(R.ALL_CHECKS)}")
            return
        try:
            learner = LearnerFile.read(args.file)
        except OSError as error:
            self.course_error(f"cannot read {args.file}: {error.strerror or error}")
            return
        session = Session(args.lesson_id, learner, checks, seed=args.seed)
        self.session = session
        scenarios = list(REGISTERED)
        if not scenarios:
            self.course_error(f"{args.lesson_dir}/check.py registers no @scenario")
            return

        problem = learner.compile()
        if problem is not None:
            session.results.failed(R.COMPILE, problem.message)
            session.results.skip_unset("not run: the file does not compile")
            self.finish(session.report())
            return
        session.results.passed(R.COMPILE)
        session.static_findings = static.analyse(learner.source, learner.path)

        instrumentation = Instrumentation(session)
        session.instrumentation = instrumentation
        instrumentation.install()
        Integrity.seal(session, check_module)  # the tampering check: the last step before the learner's code runs

        module_name = getattr(check_module, "MODULE", "exercise")
        module = learner.new_module(module_name)
        # A testing lesson's file is a test module that its own runner imports (IMPORT_LEARNER = False).
        if getattr(check_module, "IMPORT_LEARNER", True):
            sys.modules[module_name] = module
            if not self.import_learner(session, module):
                session.apply_static_findings()
                session.results.skip_unset("not run: importing the file failed")
                self.finish(session.report())
                return

        # Freeze the heap (interpreter, harness, lesson, learner module) for good: the
        # collection after every loop then costs microseconds, not milliseconds.
        gc.freeze()
        for item in scenarios:
            if session.results.checks[R.TIME_LIMIT].status == R.FAIL:
                break  # each further scenario would spend its whole budget the same way
            if item.explore:
                from .explore import explore_scenario  # imported when a lesson explores: `random` is not free

                explore_scenario(self, session, item, module)
            else:
                self.run_scenario(session, item, module)

        session.conclude_generic_checks()
        if session.results.checks[R.RUN].status == R.SKIP:
            session.results.passed(R.RUN)
        never = [c for c in checks if session.results.checks[c].status == R.SKIP]
        run_failed = session.results.checks[R.RUN].status != R.PASS
        aborted = any(session.results.checks[c].status == R.FAIL for c in (R.DEADLOCK, R.TIME_LIMIT))
        if never and not run_failed and not aborted and session.results.status() == R.PASS:
            # Every declared check must be decided: a check that never ran cannot pass.
            for check_id in never:
                session.results.errored(check_id, f"the lesson's checks never evaluated `{check_id}` (a bug in {args.lesson_dir}/check.py)")
        session.apply_static_findings()
        session.results.skip_unset("not reached: an earlier step failed")
        self.finish(session.report())

    def load_check_script(self) -> ModuleType | None:
        path = os.path.join(self.args.lesson_dir, "check.py")
        spec = importlib.util.spec_from_file_location("asynclings_lesson_check", path)
        if spec is None or spec.loader is None or not os.path.isfile(path):
            self.course_error(f"the lesson has no check script at {path}")
            return None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses (and pickling) look the defining module up by name
        try:
            spec.loader.exec_module(module)
        except ModuleNotFoundError as error:
            # A package the lesson needs (aiohttp, pytest, ...) is missing from this interpreter.
            self.course_error(
                f"this lesson needs the Python package `{error.name}`, which is not installed for {sys.executable}.\n"
                "Fix: run `make venv` (it installs requirements.txt into .venv), or grade with a Python that has it "
                "(`--python PATH`).", environment=True)
            return None
        except BaseException as error:
            self.course_error(f"the lesson's check script failed to load:\n{internal_error(error)}")
            return None
        return module

    def import_learner(self, session: Session, module: ModuleType) -> bool:
        try:
            with redirect_stdout(session.output):
                session.learner.execute(module)
        except LoopAborted:
            session.results.failed(R.RUN, "importing your file started an event loop that never finished (see the deadlock/time-limit check). Put the entry point under `if __name__ == \"__main__\":`.")
            return False
        except SystemExit as error:
            session.results.failed(R.RUN, f"importing your file called sys.exit({error.code!r}). Exercises are imported, not run: put script code under `if __name__ == \"__main__\":`.")
            return False
        except BaseException as error:
            session.results.failed(R.RUN, f"importing your file raised {session.learner.describe_exception(error)}")
            return False
        session.import_loops = session.loops_run
        session.import_printed = session.output.getvalue()
        session.collect_warnings()
        return True

    def run_scenario(self, session: Session, item: Scenario, module: ModuleType) -> None:
        trial = Trial(session, item, module)
        session.last_spans = session.last_io_spans = []
        session.scenario_budget = item.virtual_budget
        session.scenario_started(item.title)
        saved_stdout = sys.stdout
        sys.stdout = trial.stdout()
        try:
            if item.is_async:
                session.run_loop(item.function(trial), entry=f"the scenario “{item.title}”")
            else:
                item.function(trial)
        except Abort as stop:
            if stop.cause is not None:
                session.interrupted(stop.cause, stop.why)
        except LoopAborted as aborted:
            # Recorded by the session as deadlock / time-limit.
            session.interrupted(aborted.kind, "every task waited forever" if aborted.kind == R.DEADLOCK else "it ran out of (virtual) time")
        except SystemExit as error:
            session.results.failed(R.RUN, f"your code called sys.exit({error.code!r}) while the grader was running it ({item.title}). Exercises must return, not exit.")
            session.interrupted(R.RUN, "your code called sys.exit()")
        except BaseException as error:
            if learner_raised(session, error):
                session.results.failed(R.RUN, f"{item.title}: your code raised {session.learner.describe_exception(error)}")
                session.interrupted(R.RUN, f"your code raised {type(error).__name__}")
            else:
                session.results.errored(R.RUN, f"the grader failed in “{item.title}” (a bug in the lesson's check script):\n{internal_error(error)}")
        finally:
            sys.stdout = saved_stdout
            trial.restore()
            session.scenario_ended()
            # A leak that only follows from another failure is not worth a picture of its own.
            if (trial.timeline_wanted or trial.failed_ids & {R.CONCURRENCY, R.BOUNDED}
                    or any(f.follows is None for f in session.findings.get(R.LEAKED_TASKS, []))):
                self.keep_timeline(session, item, learner_tasks=trial.timeline_learner_tasks)
        if session.results.checks[R.DEADLOCK].status == R.FAIL or session.results.checks[R.TIME_LIMIT].status == R.FAIL:
            self.keep_timeline(session, item)

    def keep_timeline(self, session: Session, item: Scenario, *, learner_tasks: bool = True) -> None:
        spans = session.last_spans if learner_tasks else session.last_io_spans
        if session.timeline is None and spans:
            session.timeline = {"scenario": item.title, "spans": [s.as_json() for s in spans[:60]]}


class Arguments:
    """The child's command line, parsed by hand: argparse costs milliseconds of import per grade."""

    USAGE = "grade.py --lesson-dir DIR --lesson-id ID --file PATH [--report-fd N] [--seed N] [--budget S] [--processes N] [--sealed]"

    def __init__(self, argv: list[str]) -> None:
        self.sealed = "--sealed" in argv
        argv = [argument for argument in argv if argument != "--sealed"]
        options = dict(zip(argv[::2], argv[1::2]))
        if len(argv) % 2 or not {"--lesson-dir", "--lesson-id", "--file"} <= options.keys():
            raise SystemExit(f"usage: {self.USAGE}")
        self.lesson_dir = options["--lesson-dir"]
        self.lesson_id = options["--lesson-id"]
        self.file = options["--file"]
        self.report_fd = int(options.get("--report-fd", "3"))
        self.seed = int(options.get("--seed", "0"))
        self.budget = float(options.get("--budget", "10"))
        self.processes = int(options["--processes"]) if "--processes" in options else None


def parse(argv: list[str]) -> Arguments:
    return Arguments(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    harness = Harness(args)
    try:
        harness.run()
    except BaseException as error:  # the harness itself failed: still one report
        harness.course_error(f"the grader crashed:\n{internal_error(error)}")

