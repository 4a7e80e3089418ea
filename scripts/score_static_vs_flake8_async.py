#!/usr/bin/env python3
"""Scores the harness's static pass against flake8-async's own test fixtures.

The fixtures are not committed (MIT, but not ours to ship). Fetch them with pip:

    pip download --no-deps --no-binary :all: flake8-async==26.8.1 -d /tmp/f8a
    tar xzf /tmp/f8a/flake8_async-26.8.1.tar.gz -C /tmp/f8a
    .venv/bin/python scripts/score_static_vs_flake8_async.py /tmp/f8a/flake8_async-26.8.1/tests/eval_files

A fixture line is expected when it carries an annotation (`# ASYNCnnn: ...` or `# error: ...`)
of a code in the rule's family; a finding counts by line. flake8-async's cancellation
fixtures (ASYNC103/104) are mostly module-level code without an `await`, which our rule
skips on purpose (a cancellation can only arrive at an `await`), so that family scores
near zero by construction; the blocking and dangling-task families are comparable.
"""

from __future__ import annotations

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Sources", "Grading", "harness"))

from asynclings_harness import static  # noqa: E402

FAMILIES = {
    static.BLOCKING_CALL: ({"ASYNC210", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230", "ASYNC250", "ASYNC251"},
                           ["async210.py", "async22x_asyncio.py", "async23x_asyncio.py", "async250.py", "async251.py"]),
    static.DANGLING_TASK: ({"ASYNC300"}, ["async300.py"]),
    static.SWALLOWED_CANCELLATION: ({"ASYNC103", "ASYNC104"}, ["async103.py", "async104.py"]),
}
ANNOTATION = re.compile(r"#\s*(ASYNC\d+|error)(?:_\w+)?:")


def main(folder: str) -> None:
    for rule, (codes, files) in FAMILIES.items():
        tp = fp = fn = 0
        for name in files:
            default = "ASYNC" + re.match(r"async(\d+)", name).group(1)  # type: ignore[union-attr]
            with open(os.path.join(folder, name)) as handle:
                source = handle.read()
            expected = set()
            for number, line in enumerate(source.splitlines(), 1):
                for match in ANNOTATION.finditer(line):
                    code = default if match.group(1) == "error" else match.group(1)
                    if code in codes or code.replace("x", "") in codes:
                        expected.add(number)
            got = {f.line for f in static.analyse(source) if f.rule == rule}
            tp, fp, fn = tp + len(got & expected), fp + len(got - expected), fn + len(expected - got)
        print(f"{rule:24} TP {tp:3}  FP {fp:3}  FN {fn:3}   ({', '.join(files)})")


if __name__ == "__main__":
    main(sys.argv[1])
