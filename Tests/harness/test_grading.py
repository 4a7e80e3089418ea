"""End to end through grade.py: the generic checks and the bad inputs of issue 2."""

from __future__ import annotations

import os
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

from support import LESSONS, grade, have_pytest, message, runs_pytest, statuses

GOOD = """
import asyncio

async def fetch_user(user_id):
    await asyncio.sleep(0.5)
    return {"id": user_id, "name": f"User {user_id}"}

async def fetch_all_users(user_ids):
    return list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))
"""


def with_body(fetch_user: str, fetch_all: str) -> str:
    return f"import asyncio\nimport time\n\nasync def fetch_user(user_id):\n{fetch_user}\n\nasync def fetch_all_users(user_ids):\n{fetch_all}\n"


def grade_all(jobs: list[tuple[str, str]]) -> list[dict]:
    """Grades (lesson, path) pairs in parallel child processes, results in job order."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(lambda job: grade(job[0], path=job[1]), jobs))


class Lessons(unittest.TestCase):
    """Every lesson's reference solution and wrong variants, on this Python."""

    def test_every_solution_passes_every_check(self) -> None:
        jobs = [(lesson, os.path.join(LESSONS, lesson, "solution.py")) for lesson in sorted(os.listdir(LESSONS))
                if os.path.exists(os.path.join(LESSONS, lesson, "solution.py"))
                and (have_pytest() or not runs_pytest(lesson))]  # test_lessons_06_10 covers the bare case
        for (lesson, _), report in zip(jobs, grade_all(jobs)):
            with self.subTest(lesson=lesson):
                if report.get("environment"):
                    continue  # a package the lesson needs is not installed for this interpreter (see below)
                self.assertEqual(report["status"], "pass", report)
                self.assertTrue(all(s == "pass" for s in statuses(report).values()), report)

    def test_every_wrong_variant_fails_its_declared_check(self) -> None:
        jobs, expected = [], []
        for lesson in sorted(os.listdir(LESSONS)):
            if runs_pytest(lesson) and not have_pytest():
                continue
            folder = os.path.join(LESSONS, lesson, "wrong")
            for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    expected.append(handle.readline().split("fail", 1)[1].strip())
                jobs.append((lesson, path))
        for (lesson, path), check_id, report in zip(jobs, expected, grade_all(jobs)):
            with self.subTest(lesson=lesson, variant=os.path.basename(path)):
                if report.get("environment"):
                    continue
                self.assertEqual(statuses(report).get(check_id), "fail", report)

    def test_a_missing_package_is_an_environment_error_that_says_how_to_install_it(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "check.py"), "w", encoding="utf-8") as handle:
                handle.write("import asynclings_no_such_package\n")
            report = grade("99-needs-a-package", "x = 1\n", lesson_dir=folder)
        self.assertEqual(report["status"], "error")
        self.assertTrue(report.get("environment"))
        self.assertIn("asynclings_no_such_package", message(report, "run"))
        self.assertIn("make venv", message(report, "run"))


class GenericChecks(unittest.TestCase):
    def test_good_code_passes(self) -> None:
        self.assertEqual(grade("02-gather", GOOD)["status"], "pass")

    def test_syntax_error_shows_line_and_caret(self) -> None:
        report = grade("02-gather", "import asyncio\nasync def f(x)\n    return x\n")
        self.assertEqual(statuses(report)["compile"], "fail")
        text = message(report, "compile")
        self.assertIn("line 2", text)
        self.assertIn("^", text)
        self.assertEqual(statuses(report)["run"], "skip")

    def test_unawaited_coroutine_names_the_line(self) -> None:
        source = with_body("    await asyncio.sleep(0.5)\n    return {'id': user_id, 'name': f'User {user_id}'}",
                           "    for u in user_ids:\n        fetch_user(u)\n    return []")
        report = grade("02-gather", source)
        self.assertEqual(statuses(report)["unawaited"], "fail")
        self.assertIn("line 10", message(report, "unawaited"))

    def test_time_sleep_on_the_loop_is_blocking(self) -> None:
        source = with_body("    time.sleep(0.5)\n    return {'id': user_id, 'name': f'User {user_id}'}",
                           "    return list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))")
        report = grade("02-gather", source)
        self.assertEqual(statuses(report)["blocking"], "fail")
        self.assertIn("line 5", message(report, "blocking"))

    def test_file_io_on_the_loop_is_blocking(self) -> None:
        source = with_body("    open('/dev/null').close()\n    await asyncio.sleep(0.5)\n    return {'id': user_id, 'name': f'User {user_id}'}",
                           "    return list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))")
        self.assertEqual(statuses(grade("02-gather", source))["blocking"], "fail")

    def test_a_file_object_around_an_open_descriptor_is_not_file_io(self) -> None:
        source = with_body("    import os\n    r, w = os.pipe()\n    os.fdopen(w, 'w').close()\n    os.close(r)\n"
                           "    await asyncio.sleep(0.5)\n    return {'id': user_id, 'name': f'User {user_id}'}",
                           "    return list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))")
        self.assertEqual(statuses(grade("02-gather", source))["blocking"], "pass")

    def test_to_thread_is_not_blocking(self) -> None:
        source = with_body("    await asyncio.to_thread(time.sleep, 0.5)\n    return {'id': user_id, 'name': f'User {user_id}'}",
                           "    return list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))")
        report = grade("02-gather", source)
        self.assertEqual(statuses(report)["blocking"], "pass", report)
        self.assertEqual(report["status"], "pass", report)

    def test_leaked_task_names_its_creation_line(self) -> None:
        source = with_body("    await asyncio.sleep(0.5)\n    return {'id': user_id, 'name': f'User {user_id}'}",
                           "    asyncio.create_task(asyncio.sleep(100))\n    return list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))")
        report = grade("02-gather", source)
        self.assertEqual(statuses(report)["leaked-tasks"], "fail")
        self.assertIn("line 9", message(report, "leaked-tasks"))

    def test_a_cancelled_task_that_ends_at_once_is_not_leaked(self) -> None:
        # cancel() without awaiting the task: it ends at its next turn, so nothing is left running.
        source = with_body("    await asyncio.sleep(0.5)\n    return {'id': user_id, 'name': f'User {user_id}'}",
                           "    helper = asyncio.create_task(asyncio.sleep(100))\n"
                           "    users = list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))\n"
                           "    helper.cancel()\n    return users")
        report = grade("02-gather", source)
        self.assertEqual(statuses(report)["leaked-tasks"], "pass", message(report, "leaked-tasks"))

    def test_a_task_that_swallows_its_cancellation_is_leaked(self) -> None:
        source = with_body("    await asyncio.sleep(0.5)\n    return {'id': user_id, 'name': f'User {user_id}'}",
                           "    async def stubborn():\n        try:\n            await asyncio.sleep(100)\n"
                           "        except asyncio.CancelledError:\n            await asyncio.sleep(100)\n"
                           "    helper = asyncio.create_task(stubborn())\n"
                           "    users = list(await asyncio.gather(*(fetch_user(u) for u in user_ids)))\n"
                           "    helper.cancel()\n    return users")
        report = grade("02-gather", source)
        self.assertEqual(statuses(report)["leaked-tasks"], "fail")

    def test_a_constructor_that_refuses_the_contract_is_a_behaviour_failure(self) -> None:
        # Account() without the default balance: the grader's call is refused before any learner code runs.
        source = ("import asyncio\n\nasync def store(balance):\n    await asyncio.sleep(0.01)\n\n"
                  "class Account:\n    def __init__(self, balance):\n        self.balance = balance\n"
                  "    async def deposit(self, amount):\n        pass\n"
                  "    async def withdraw(self, amount):\n        return False\n")
        report = grade("15-locks", source)
        self.assertEqual(report["status"], "fail", report)
        self.assertEqual(statuses(report)["behaviour"], "fail")
        self.assertIn("Account() raised TypeError", message(report, "behaviour"))

    def test_deadlock_reports_the_waiting_line(self) -> None:
        source = with_body("    await asyncio.sleep(0.5)\n    return {}", "    await asyncio.Event().wait()")
        report = grade("02-gather", source)
        self.assertEqual(statuses(report)["deadlock"], "fail")
        self.assertIn("line 9", message(report, "deadlock"))

    def test_spinning_on_sleep_zero_is_a_time_limit(self) -> None:
        source = with_body("    while True:\n        await asyncio.sleep(0)", "    return [await fetch_user(u) for u in user_ids]")
        report = grade("02-gather", source)
        self.assertEqual(statuses(report)["time-limit"], "fail")

    def test_cpu_loop_hits_the_real_budget_with_the_line(self) -> None:
        source = with_body("    while True:\n        pass", "    return [await fetch_user(u) for u in user_ids]")
        report = grade("02-gather", source, budget=1.0)
        self.assertEqual(statuses(report)["time-limit"], "fail")
        # The loop's lines: 3.11-3.13 stop on `while True:` (5), 3.14 on its body's `pass` (6).
        self.assertRegex(message(report, "time-limit"), r"busy at line [56] \(in fetch_user\)")

    def test_sys_exit_is_not_a_pass(self) -> None:
        report = grade("02-gather", "import sys\nsys.exit(0)\n")
        self.assertEqual(report["status"], "fail")
        self.assertEqual(statuses(report)["run"], "fail")

    def test_os_exit_leaves_no_report(self) -> None:
        source = with_body("    import os\n    os._exit(0)", "    return [await fetch_user(u) for u in user_ids]")
        self.assertEqual(grade("02-gather", source)["status"], "no-report")

    def test_printed_fake_report_is_ignored(self) -> None:
        source = "print('{\"status\": \"pass\", \"checks\": []}')\n" + GOOD.replace("0.5)", "0.6)")
        report = grade("02-gather", source)
        self.assertEqual(report["status"], "fail")

    def test_writing_to_fd_3_cannot_forge_the_report(self) -> None:
        source = "import os\ntry:\n    os.write(3, b'{\"status\": \"pass\"}')\nexcept OSError:\n    pass\n" + GOOD.replace("0.5)", "0.6)")
        report = grade("02-gather", source)
        self.assertEqual(report["status"], "fail")

    def test_fork_is_refused(self) -> None:
        report = grade("02-gather", "import os\nwhile True:\n    os.fork()\n")
        self.assertEqual(statuses(report)["run"], "fail")
        self.assertIn("fork", message(report, "run"))

    def test_each_process_counts_once_against_the_limit(self) -> None:
        # 3.13's Popen starts the process with os.posix_spawn: one process, two audit events.
        check = """
from asynclings_harness import Trial, scenario
CHECKS = ["behaviour"]

@scenario("six processes, one after another")
async def six(t: Trial) -> None:
    codes = await t.call(t.function("run_all", is_async=True))
    t.expect("behaviour", codes == [0] * 6, f"got {codes}")
"""
        source = ("import asyncio\n\nasync def run_all():\n    codes = []\n    for _ in range(6):\n"
                  "        proc = await asyncio.create_subprocess_exec('/bin/true')\n"
                  "        codes.append(await proc.wait())\n    return codes\n")
        with tempfile.TemporaryDirectory() as lesson_dir:
            with open(os.path.join(lesson_dir, "check.py"), "w", encoding="utf-8") as handle:
                handle.write(check)
            report = grade("99-processes", source, lesson_dir=lesson_dir)
        self.assertEqual(statuses(report)["run"], "pass", report)
        self.assertEqual(statuses(report)["behaviour"], "pass", report)

    def test_import_error_points_at_the_line(self) -> None:
        report = grade("02-gather", "import asyncio\n\nx = undefined + 1\n")
        self.assertEqual(statuses(report)["run"], "fail")
        self.assertIn("line 3", message(report, "run"))

    def test_huge_print_output_is_capped(self) -> None:
        source = GOOD + "\nfor _ in range(2000):\n    print('x' * 50_000)\n"
        report = grade("02-gather", source)
        self.assertLessEqual(len(report.get("output", "")), 4000)

    def test_learner_asyncio_run_uses_the_virtual_clock(self) -> None:
        report = grade("01-first-coroutine", path=os.path.join(LESSONS, "01-first-coroutine", "solution.py"))
        self.assertEqual(report["status"], "pass")
        self.assertGreaterEqual(report["virtual_seconds"], 3.0)  # three one-second runs, in milliseconds


if __name__ == "__main__":
    unittest.main()
