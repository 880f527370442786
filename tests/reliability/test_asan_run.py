"""tests/reliability/asan_run.py reruns `make test-asan` only for LeakSanitizer's own
tracer crash after a clean run -- never for a finding or a failed test."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location(
    "asan_run", Path(__file__).with_name("asan_run.py"))
assert _SPEC is not None and _SPEC.loader is not None
asan_run = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(asan_run)

CRASH = ("Tracer caught signal 11: addr=0x968 pc=0x7f57f74e80f0 sp=0x7f57e5cb6d10\n"
         "==15445==LeakSanitizer has encountered a fatal error.\n")


def test_the_tracer_crash_after_a_clean_run_is_retried() -> None:
    assert asan_run.only_the_tracer_crashed(1, "714 passed, 1 skipped in 164.45s\n" + CRASH)


def test_a_finding_or_a_failed_test_is_not() -> None:
    leak = "==1==ERROR: LeakSanitizer: detected memory leaks\n"
    asan = "==1==ERROR: AddressSanitizer: heap-use-after-free on address\n"
    ubsan = "x.c:3:5: runtime error: signed integer overflow\n"
    for extra in (leak, asan, ubsan):
        assert not asan_run.only_the_tracer_crashed(1, "3 passed in 1s\n" + extra + CRASH)
    assert not asan_run.only_the_tracer_crashed(1, "1 failed, 2 passed in 1s\n" + CRASH)
    assert not asan_run.only_the_tracer_crashed(1, "3 passed in 1s\n")     # another failure
    assert not asan_run.only_the_tracer_crashed(0, "3 passed in 1s\n" + CRASH)
