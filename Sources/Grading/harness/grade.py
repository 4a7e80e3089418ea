"""Runs one grade in this process (see asynclings_harness/main.py)."""

import os
import sys

# -I keeps the script's folder off sys.path; the harness package lives beside this file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

if len(sys.argv) >= 2 and sys.argv[1] == "--serve":
    from asynclings_harness.integrity import survey  # noqa: E402
    from asynclings_harness.server import serve  # noqa: E402

    survey()  # the tampering check's survey of the grader, taken once here rather than in every forked grade
    serve(int(sys.argv[sys.argv.index("--socket-fd") + 1]) if "--socket-fd" in sys.argv else 3,
          isolate="--isolate" in sys.argv)
elif len(sys.argv) >= 2 and sys.argv[1] == "--conformance":
    from asynclings_harness.conformance import main as conformance  # noqa: E402

    conformance()  # does this Python behave as the harness assumes? (conformance.py)
else:
    from asynclings_harness.main import main  # noqa: E402

    main()
