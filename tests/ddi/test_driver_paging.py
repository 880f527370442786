"""The paging stream with a driver attached (docs/behaviour.md 10.1-10.3): a process's
root is initialised only after DxgkDdiCreateProcess answered (and carries the driver's
hKmdProcess), a failed CreateProcess leaves no operation of that process in the log,
and every DxgkDdiSetRootPageTable call is in the log in the stream's order."""

from __future__ import annotations

from typing import Any

import pytest
from test_spec_driver import INSUFFICIENT_RESOURCES, Recorder

import dxgk


def _updates_of(a: Any, process: Any) -> list[Any]:
    return [op for op in a.paging_log
            if op.operation == "UPDATE_PAGE_TABLE" and op.process == process]


def test_the_root_is_initialised_after_the_driver_made_its_process() -> None:
    drv = Recorder()
    with dxgk.Adapter(driver=drv) as a:
        p = a.create_process()
        kmd = next(c[3] for c in drv.calls if c[0] == "CreateProcess" and c[2] == p.handle)
        ops = _updates_of(a, p)
        assert ops and ops[0].args.Flags.InitialUpdate
        assert ops[0].args.hProcess == kmd and kmd


def test_a_failed_create_process_leaves_no_operation_of_it() -> None:
    drv = Recorder()
    with dxgk.Adapter(driver=drv) as a:
        before = [op.sequence for op in a.paging_log]
        drv.DxgkDdiCreateProcess = lambda *args: INSUFFICIENT_RESOURCES
        with pytest.raises(dxgk.DdiError):
            a.create_process()
        assert [op.sequence for op in a.paging_log] == before


def test_set_root_page_table_is_logged_with_what_the_driver_got() -> None:
    drv = Recorder()
    with dxgk.Adapter(driver=drv) as a:
        p = a.create_process()
        d = p.create_device()
        c = d.create_context()
        got = [x for x in drv.calls if x[0] == "SetRootPageTable"]
        logged = [op for op in a.paging_log if op.operation == "SET_ROOT_PAGE_TABLE"]
        assert len(logged) == len(got) == 1 and logged[0].process == p
        root = logged[0].args
        assert root.hContext == got[0][1]
        init = _updates_of(a, p)[0]
        assert (root.Address.SegmentId, root.Address.SegmentOffset) == (
            init.args.PageTableAddress.GpuPhysical.SegmentId,
            init.args.PageTableAddress.GpuPhysical.SegmentOffset)
        assert logged[0].sequence > init.sequence         # after the root exists
        assert c.handle


def test_a_process_is_made_in_the_driver_once() -> None:
    """A second DxgkDdiCreateProcess for the same process (or the system process) is
    refused before the driver is called: no second driver process, no second root."""
    from dxgk._core import lib
    drv = Recorder()
    with dxgk.Adapter(driver=drv) as a:
        p = a.create_process()
        calls, log = len(drv.calls), len(a.paging_log)
        assert lib.dxgk_drv_create_process(p.handle) & 0xFFFFFFFF == 0xC000000D
        assert lib.dxgk_drv_system_process(a.handle) & 0xFFFFFFFF == 0xC000000D
        assert len(drv.calls) == calls and len(a.paging_log) == log
