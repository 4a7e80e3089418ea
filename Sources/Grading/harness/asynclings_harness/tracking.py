"""What happened on the loop: every task (who made it, when it ran) and fake I/O spans."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from .learner import LearnerFile


class TaskRecord:
    """One task created while a scenario ran."""

    def __init__(self, task: asyncio.Task[Any], label: str, created_at: float, learner_line: int | None,
                 learner_function: str | None) -> None:
        self.task = task
        self.label = label
        self.created_at = created_at
        self.learner_line = learner_line  # the learner's line that created it; None for the grader's own
        self.learner_function = learner_function
        self.done_at: float | None = None
        self.reported_leak = False
        self.spared_by: str | None = None  # cancelled when this entry point returned: judged at the scenario's end

    @property
    def by_learner(self) -> bool:
        return self.learner_line is not None


class Span:
    """A bar on the timeline: a task's life or one call of a fake, in virtual seconds."""

    __slots__ = ("kind", "label", "start", "end", "task")

    def __init__(self, kind: str, label: str, start: float, end: float | None, task: str = "") -> None:
        self.kind = kind  # "task" or "io"
        self.label = label
        self.start = start
        self.end = end
        self.task = task

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "start": round(self.start, 6),
                "end": None if self.end is None else round(self.end, 6), "task": self.task}


class TaskRecorder:
    """Records tasks created on one loop (installed through ``loop.on_task_created``)."""

    def __init__(self, learner: LearnerFile, loop: Any) -> None:
        self.learner = learner
        self.loop = loop
        self.records: list[TaskRecord] = []
        self.by_task: dict[int, TaskRecord] = {}
        self.io_spans: list[Span] = []

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
