"""Runs the sanitized test command of `make test-asan` and tells a sanitizer's own crash
from a finding.

    python tests/reliability/asan_run.py COMMAND...

LeakSanitizer checks for leaks when the process exits, stopping every thread with a
ptrace-based tracer; on some machines that tracer itself sometimes dies ("Tracer caught
signal 11 ... LeakSanitizer has encountered a fatal error"), after every test passed and
before any leak is looked at. That is not a report about dxgk. When -- and only when --
a run fails that way (the tracer's crash, every test passed, and no AddressSanitizer,
LeakSanitizer or UBSan report in the output), the command is run once more; any other
failure, or the same crash twice, fails. The output is passed through as it comes.
"""

from __future__ import annotations

import re
import subprocess
import sys

_TRACER_CRASH = "LeakSanitizer has encountered a fatal error"
_REPORTS = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer: detected)|runtime error:")
_ALL_PASSED = re.compile(r"^\d+ passed(, \d+ (skipped|deselected))*( in |\b)", re.M)
_FAILED = re.compile(r"\b\d+ (failed|error)", re.M)


def _run(cmd: list[str]) -> tuple[int, str]:
    out: list[str] = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace") as p:
        assert p.stdout is not None
        for line in p.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            out.append(line)
    return p.returncode, "".join(out)


def only_the_tracer_crashed(rc: int, text: str) -> bool:
    """Whether a failed run failed only by LeakSanitizer's tracer dying at exit."""
    return (rc != 0 and _TRACER_CRASH in text and not _REPORTS.search(text)
            and bool(_ALL_PASSED.search(text)) and not _FAILED.search(text))


def main(cmd: list[str]) -> int:
    if not cmd:
        print("asan_run: give the command to run", file=sys.stderr)
        return 2
    rc, text = _run(cmd)
    if only_the_tracer_crashed(rc, text):
        print("asan_run: LeakSanitizer's tracer crashed at exit after every test passed "
              "(no sanitizer report); running once more", file=sys.stderr)
        rc, _ = _run(cmd)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
