"""Record -> replay: a replay reproduces every recorded result and the final state, for
random call sequences (hypothesis), for every argument form the facade accepts, and for
the synthetic workloads; the C engine and the Python reference executor agree."""

from __future__ import annotations

import ctypes
import gc
import json
import os
import tempfile
import warnings

import numpy as np
import pytest
from dxgk._core import ffi, lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trace_helpers import GB, LEAF, MB, Program, state_by_name

import dxgk
from dxgk import ddi, structs, trace
from dxgk.bench import workloads

OPS = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 999), st.integers(0, 999),
                         st.integers(0, 999)), min_size=1, max_size=45)


def _record_program(path: str, ops: list[tuple[int, int, int, int]]) -> tuple[Program, dict]:
    with dxgk.record(path) as rec:
        prog = Program()
        prog.run(ops)
    return prog, rec.names


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_record_replay_round_trip_is_identical(ops):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "run.jsonl")
        prog, names = _record_program(path, ops)
        procs = {n: h for h, n in names.items() if n[0] == "P"}
        original = state_by_name(procs, names)
        prog.adapter.close()

        with trace.replay(path, check=True, keep=True, results=True) as r:
            assert r.mismatches == [], [str(m) for m in r.mismatches]
            assert r.mismatch_total == 0
            back = {h: n for n, h in r.handles.items()}
            replayed = state_by_name({n: r.handle(n) for n in procs}, back)
            c_results = r.results.copy()
        assert replayed == original

        with trace.replay(path, check=True, engine="python", results=True) as rp:
            assert rp.mismatch_total == 0
        assert np.array_equal(rp.results, c_results)


def test_a_trace_reads_as_documented(tmp_path):
    path = tmp_path / "t.jsonl"
    with dxgk.record(path, version=1):
        a = dxgk.Adapter()
        p = a.create_process()
        d = p.create_device()
        h = a.create_allocation(64 * 1024, d, segments=[1])
        va = a.map(h, 16)
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert lines[0]["format"] == "dxgk-trace" and lines[0]["version"] == 1   # object form
    assert [x.get("call") or x.get("event") for x in lines[1:]] == [
        "adapter", "process_begin", "process_end", "device_create",
        "DxgkCbCreateContextAllocation", "DxgkCbMapContextAllocation"]
    assert lines[1]["adapter"] == "A0" and lines[1]["system_process"] == "P0"
    assert lines[1]["segments"][0] == {"size": GB, "page_size": 65536, "kind": "local"}
    create = lines[5]
    assert create["args"]["hAdapter"] == "A0" and create["args"]["hDevice"] == "D0"
    assert create["args"]["Size"] == 65536 and create["args"]["hAllocation"] is None
    assert create["result"] == {"status": "STATUS_SUCCESS", "hAllocation": "H0", "va": 0}
    assert lines[6] == {
        "call": "DxgkCbMapContextAllocation", "hAdapter": "A0",
        "args": {"BaseAddress": 0, "MinimumAddress": 0, "MaximumAddress": 0,
                 "hAllocation": "H0", "OffsetInPages": 0, "SizeInPages": 16,
                 "Protection": 1, "DriverProtection": 0},
        "result": {"va": va, "status": "STATUS_SUCCESS"}}
    a.close()


def test_every_argument_form_is_recorded_as_the_core_saw_it(tmp_path):
    path = tmp_path / "forms.jsonl"
    with dxgk.record(path, version=1) as rec:
        a = dxgk.Adapter()
        d = a.create_process().create_device()
        h = a.create_allocation(1 * MB, d, segments=[2])
        m = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=2)
        m.Protection.Write = 1
        vas = [dxgk.DxgkCbMapContextAllocation(a.handle, m),
               dxgk.DxgkCbMapContextAllocation(a.handle, ctypes.pointer(m)),
               dxgk.DxgkCbMapContextAllocation(a.handle, ctypes.byref(m)),
               dxgk.DxgkCbMapContextAllocation(a.handle, bytearray(bytes(m))),
               dxgk.DxgkCbMapContextAllocation(a.handle, bytes(m)),
               dxgk.DxgkCbMapContextAllocation(a.handle, np.frombuffer(bytes(m), np.uint8)),
               dxgk.DxgkCbMapContextAllocation(a, memoryview(bytearray(bytes(m))))]
        x = structs.x86.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=dxgk.x86_handle(h),
                                                        SizeInPages=2)
        vas.append(dxgk.DxgkCbMapContextAllocation(dxgk.x86_handle(a.handle), x, abi="x86"))
        assert all(vas) and len(set(vas)) == len(vas)
        calls_before = rec.calls
        with pytest.raises(TypeError):
            dxgk.DxgkCbMapContextAllocation(a.handle, "not a struct")
        with pytest.raises(ValueError):
            dxgk.DxgkCbMapContextAllocation(a.handle, bytearray(3))
        assert rec.calls == calls_before            # no DDI call happened: nothing recorded
    maps = [json.loads(x) for x in path.read_text().splitlines()
            if '"DxgkCbMapContextAllocation"' in x]
    assert [m["result"]["va"] for m in maps] == vas
    assert all(m["args"]["hAllocation"] == "H0" and m["hAdapter"] == "A0" for m in maps)
    assert trace.replay(path, check=True).mismatch_total == 0
    a.close()


def test_private_driver_data_is_replayed_byte_for_byte(tmp_path):
    path = tmp_path / "upd.jsonl"
    with dxgk.record(path, version=1):
        a = dxgk.Adapter()
        h = a.create_allocation(64 * 1024)
        a.update_allocation(h, b"\x00\x01dxgk\xff")
        a.update_allocation(h, None)
        u = structs.DXGKARGCB_UPDATECONTEXTALLOCATION(hAllocation=h, pPrivateDriverData=0,
                                                      PrivateDriverDataSize=4)
        assert dxgk.DxgkCbUpdateContextAllocation(a.handle, u) == dxgk.STATUS_INVALID_PARAMETER
        gone = a.create_allocation(64 * 1024)
        a.destroy_allocation(gone)
        stale = structs.DXGKARGCB_UPDATECONTEXTALLOCATION(hAllocation=gone,
                                                          pPrivateDriverData=12345,
                                                          PrivateDriverDataSize=4)
        assert dxgk.DxgkCbUpdateContextAllocation(a.handle, stale) == \
            dxgk.STATUS_INVALID_HANDLE
        log = [r for r in a.paging_log if r.operation == "UPDATE_CONTEXT_ALLOCATION"]
    text = path.read_text()
    assert '"pPrivateDriverData":"00016478676bff"' in text
    assert '"pPrivateDriverData":"?"' in text       # failed call: bytes never read
    with trace.replay(path, check=True, keep=True, paging_log=True) as r:
        assert r.mismatch_total == 0
        got = []
        for i in range(len(log)):
            out = ffi.new("dxgk_vm_paging_record *")
            buf = ffi.new("char[]", 64)
            assert lib.dxgk_vm_paging_record_get(r.handle("A0"), i, out, buf, 64) == 0
            got.append(ffi.buffer(buf, out.data_size)[:])
    assert got == [x.data for x in log]
    a.close()


def test_objects_created_before_recording_are_flagged(tmp_path):
    a = dxgk.Adapter()
    h = a.create_allocation(64 * 1024)
    path = tmp_path / "foreign.jsonl"
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with dxgk.record(path) as rec:
            a.map(h, 1)
    assert rec.foreign_handles == 2
    assert any("before recording began" in str(x.message) for x in w)
    line = json.loads(path.read_text().splitlines()[1])
    assert line["hAdapter"] == a.handle and line["args"]["hAllocation"] == h
    r = trace.replay(path, check=True)             # the adapter is not in the trace
    assert r.mismatch_total == 1 and r.mismatches[0].got_status == dxgk.STATUS_INVALID_HANDLE
    a.close()


def test_one_recording_at_a_time(tmp_path):
    with dxgk.record(tmp_path / "a.jsonl"), \
            pytest.raises(RuntimeError, match="already being recorded"), \
            dxgk.record(tmp_path / "b.jsonl"):
        pass
    assert ddi._recorder is None


def test_a_garbage_collected_adapter_is_recorded_in_order(tmp_path):
    path = tmp_path / "gc.jsonl"
    old = dxgk.Adapter()                  # not in the trace: its end is not recorded
    gc.collect()
    with dxgk.record(path, version=1):
        del old
        gc.collect()
        a = dxgk.Adapter()
        a.create_allocation(4096)
        del a
        gc.collect()
        b = dxgk.Adapter()
        b.create_allocation(4096)
    kinds = [json.loads(x).get("event") for x in path.read_text().splitlines()[1:]]
    assert kinds == ["adapter", None, "adapter_destroy", "adapter", None]
    assert trace.replay(path, check=True).mismatch_total == 0
    b.close()


@pytest.mark.parametrize("kind", list(workloads.KINDS))
def test_synthetic_workloads_are_deterministic_and_replay_clean(kind, tmp_path):
    p1, p2, p3 = (tmp_path / f"{i}.jsonl" for i in range(3))
    info = workloads.generate(kind, 600, 7, p1)
    workloads.generate(kind, 600, 7, p2)
    workloads.generate(kind, 600, 8, p3)
    assert p1.read_bytes() == p2.read_bytes()
    assert p1.read_bytes() != p3.read_bytes()
    assert info.calls >= 600
    header = json.loads(p1.read_text().splitlines()[0])
    assert (header["workload"], header["seed"], header["calls"]) == (kind, 7, 600)
    tr = trace.decode(p1)
    assert tr.calls == info.calls
    with trace.replay(tr, check=True, results=True) as c:
        assert c.mismatch_total == 0
    with trace.replay(tr, check=True, results=True, engine="python") as py:
        assert py.mismatch_total == 0
    assert np.array_equal(c.results, py.results)
    # the workloads exercise failures too, and they are reproduced
    assert (c.results["status"] != 0).any() or kind in ("churn", "mixed-pages")


def test_unchecked_lines_and_upto_line(tmp_path):
    path = tmp_path / "hand.jsonl"
    lines = [{"format": "dxgk-trace", "version": 1},
             {"event": "adapter", "adapter": "A0", "system_process": "P0",
              "caps": {"Value": 23, "VirtualAddressBitCount": 48,
                       "LeafPageTableSizeFor64KPagesInBytes": 256, "PageTableLevelCount": 4},
              "levels": [{"PageTableIndexBitCount": 9, "PageTableSegmentId": 1,
                          "PageTableSizeInBytes": 4096, "PageTableAlignmentInBytes": 4096}] * 4,
              "segments": [{"size": GB, "page_size": 65536}]},
             {"event": "process_begin", "adapter": "A0", "process": "P1"},
             {"call": "DxgkCbReserveGpuVirtualAddressRange", "hAdapter": "A0",
              "args": {"hDxgkProcess": "P1", "SizeInBytes": LEAF}},
             {"event": "process_end", "process": "P1", "keep": True},
             {"event": "device_create", "process": "P1", "device": "D0"},
             {"call": "DxgkCbCreateContextAllocation",
              "args": {"hAdapter": "A0", "hDevice": "D0", "Size": "0x10000",
                       "SupportedSegmentSet": 1}, "result": {"status": 0, "hAllocation": "H0"}},
             {"call": "DxgkCbMapContextAllocation", "hAdapter": "A0",
              "args": {"hAllocation": "H0", "SizeInPages": 16, "Protection.Write": 1,
                       "BaseAddress": 0x20000}},
             {"call": "DxgkCbMapContextAllocation", "hAdapter": "A0",
              "args": {"_bytes": "00" * 64, "hAllocation": "H0", "SizeInPages": 4}}]
    trace.write_lines(path, lines)
    with trace.replay(path, check=True, keep=True, results=True) as r:
        assert r.mismatch_total == 0                   # no result recorded: nothing to differ
        assert [m.va for m in r.mappings("P1")] == [0x10000, 0x20000]
        assert r.mappings("P1")[1].protection == 1
        assert len(r.reservations("P1")) == 1
        assert r.results["value"][-2] == 0x20000
    with trace.replay(path, keep=True, upto_line=8) as r:
        assert [m.va for m in r.mappings("P1")] == [0x20000]
        assert r.handle("H0") != 0


def test_replay_destroys_its_adapters_unless_kept(tmp_path):
    path = tmp_path / "c.jsonl"
    workloads.generate("churn", 200, 1, path, live=20)
    gc.collect()
    before = dxgk.live_handles()
    trace.replay(path)
    assert dxgk.live_handles() == before
    r = trace.replay(path, keep=True)
    assert dxgk.live_handles() > before
    assert lib.dxgk_vm_handle_type(r.handle("A0")) == lib.DXGK_VM_T_ADAPTER
    r.close()
    assert dxgk.live_handles() == before


def test_replays_are_independent_of_handle_values(tmp_path):
    """The same trace twice in one process: other handles, same results."""
    path = tmp_path / "p.jsonl"
    workloads.generate("processes", 300, 3, path)
    with trace.replay(path, keep=True, results=True) as r1, \
            trace.replay(path, keep=True, results=True) as r2:
        assert r1.handle("P1") != r2.handle("P1")
        assert np.array_equal(r1.results, r2.results)
        assert r1.mismatch_total == r2.mismatch_total == 0

