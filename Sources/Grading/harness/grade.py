"""Runs one grade in this process (see asynclings_harness/main.py)."""

import os
import sys

# -I keeps the script's folder off sys.path; the harness package lives beside this file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from asynclings_harness.main import main  # noqa: E402

main()
