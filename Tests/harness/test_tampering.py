"""The `tampering` check, end to end through grade.py: hostile files fail it by name, honest ones pass.

Each file in tampering/hostile/ attacks the grader one way and says so in its header:
``# lesson:`` the lesson it is graded as, ``# names:`` what the `tampering` message must
name (one line each), and optionally ``# python: 3.12`` (the oldest version the attack
exists on). Each file in tampering/honest/ does something unusual but legitimate and
must pass every check.
"""

from __future__ import annotations

import os
import re
import sys
import unittest
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from support import ROOT, grade, have_pytest, message, runs_pytest, statuses

from asynclings_harness import report as R

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tampering")


def header(path: str, key: str) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [line.split(":", 1)[1].strip() for line in handle if line.startswith(f"# {key}:")]


def files(kind: str) -> list[str]:
    folder = os.path.join(HERE, kind)
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith(".py")]


def applies(path: str) -> bool:
    """Whether this interpreter can grade the file: new enough for the attack, with pytest for a testing lesson."""
    oldest = header(path, "python")
    if oldest and sys.version_info[:2] < tuple(int(part) for part in oldest[0].split(".")):
        return False
    return have_pytest() or not runs_pytest(header(path, "lesson")[0])


def grade_all(paths: list[str]) -> list[dict[str, Any]]:
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(lambda path: grade(header(path, "lesson")[0], path=path), paths))


class HostileFiles(unittest.TestCase):
    def test_there_are_enough_distinct_attacks(self) -> None:
        self.assertGreaterEqual(len(files("hostile")), 12)

    def test_each_fails_tampering_naming_what_it_touched_and_never_passes(self) -> None:
        paths = [path for path in files("hostile") if applies(path)]
        for path, report in zip(paths, grade_all(paths)):
            with self.subTest(file=os.path.basename(path)):
                self.assertNotEqual(report["status"], R.PASS, report)
                self.assertEqual(statuses(report).get(R.TAMPERING), R.FAIL, report)
                text = message(report, R.TAMPERING)
                names = header(path, "names")
                self.assertTrue(names, "the file must say what the message names")
                for name in names:
                    self.assertIn(name, text)


class HonestFiles(unittest.TestCase):
    def test_unusual_but_honest_code_passes_every_check(self) -> None:
        self.assertGreaterEqual(len(files("honest")), 4)
        paths = [path for path in files("honest") if applies(path)]
        for path, report in zip(paths, grade_all(paths)):
            with self.subTest(file=os.path.basename(path)):
                failing = {c["id"]: c["message"][:300] for c in report["checks"] if c["status"] != R.PASS}
                self.assertEqual(report["status"], R.PASS, failing)
                self.assertIn(R.TAMPERING, statuses(report))


class CheckIDs(unittest.TestCase):
    """The check ids are a contract: the Swift side, the harness and the README list the same ones."""

    def setUp(self) -> None:
        with open(os.path.join(ROOT, "Sources", "Course", "CheckID.swift"), encoding="utf-8") as handle:
            self.swift = handle.read()
        enum = self.swift[self.swift.index("enum CheckID"):self.swift.index("reportedByEveryGrade")]
        cases = re.findall(r'^\s*case (\w+)(?: = "([^"]+)")?\s*$', enum, re.MULTILINE)
        self.raw = {name: raw or name for name, raw in cases}
        self.swift_ids = [raw or name for name, raw in cases]

    def test_swift_and_python_list_the_same_ids_in_the_same_order(self) -> None:
        self.assertEqual(self.swift_ids, list(R.ALL_CHECKS))

    def test_swift_expects_the_checks_the_harness_reports_in_every_grade(self) -> None:
        listed = self.swift[self.swift.index("reportedByEveryGrade"):]
        listed = listed[listed.index("= [") + 3:]
        listed = listed[:listed.index("]")]
        every = [self.raw[name] for name in re.findall(r"\.(\w+)", listed)]
        self.assertEqual(every, [*R.LEADING_CHECKS, *R.TRAILING_CHECKS])

    def test_every_id_has_a_pass_message_and_a_row_in_the_readme(self) -> None:
        self.assertEqual(set(R.PASS_MESSAGES), set(R.ALL_CHECKS))
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
            readme = handle.read()
        table = readme[readme.index("### The checks"):readme.index("## How grading works")]
        self.assertEqual(re.findall(r"^\| `([a-z-]+)` \|", table, re.MULTILINE), list(R.ALL_CHECKS))


if __name__ == "__main__":
    unittest.main()
