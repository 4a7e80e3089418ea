"""What happened on the loop: every task (who made it, when it ran) and fake I/O spans."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from typing import Any

from .learner import LearnerFile


@dataclass
class TaskRecord:
    """One task created while a scenario ran."""

    task: asyncio.Task[Any]
    label: str
    created_at: float
    learner_line: int | None  # the learner's line that created it; None for the grader's own
    learner_function: str | None
    done_at: float | None = None

    @property
    def by_learner(self) -> bool:
        return self.learner_line is not None


@dataclass
class Span:
    """A bar on the timeline: a task's life or one call of a fake, in virtual seconds."""

    kind: str  # "task" or "io"
    label: str
    start: float
    end: float | None
    task: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "start": round(self.start, 6),
                "end": None if self.end is None else round(self.end, 6), "task": self.task}


@dataclass
class TaskRecorder:
    """Records tasks created on one loop (installed through ``loop.on_task_created``)."""

    learner: LearnerFile
    loop: Any
    records: list[TaskRecord] = field(default_factory=list)
    by_task: dict[int, TaskRecord] = field(default_factory=dict)
    io_spans: list[Span] = field(default_factory=list)

    def task_created(self, task: asyncio.Task[Any]) -> None:
        frame = self.learner.innermost_frame(sys._getframe(2))
        coro = task.get_coro()
        label = getattr(coro, "__qualname__", None) or task.get_name()
        record = TaskRecord(
            task=task,
            label=label,
            created_at=self.loop.time(),
            learner_line=frame.f_lineno if frame else None,
            learner_function=frame.f_code.co_name if frame else None,
        )
        self.records.append(record)
        self.by_task[id(task)] = record
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        record = self.by_task.get(id(task))
        if record is not None and record.done_at is None:
            record.done_at = self.loop.time()

    def describe(self, task: asyncio.Task[Any]) -> str:
        record = self.by_task.get(id(task))
        if record is None:
            return task.get_name()
        if record.by_learner:
            return f"{record.label} (task created at line {record.learner_line})"
        return "the grader's call"

    def learner_records(self) -> list[TaskRecord]:
        return [r for r in self.records if r.by_learner]

    def pending_learner_tasks(self, since: int = 0) -> list[TaskRecord]:
        return [r for r in self.records[since:] if r.by_learner and not r.task.done()]

    def spans(self) -> list[Span]:
        tasks = [Span("task", r.label, r.created_at, r.done_at) for r in self.records if r.by_learner]
        return tasks + list(self.io_spans)
