"""Traces of the user-mode services (docs/behaviour.md 9; README "Traces"): the six D3DKMT
thunks, user-mode allocations, fences, paging queues and their execution are recorded --
in both execution modes, both trace versions -- and replay with every result as
recorded on both engines, to the same VADs and page tables; paging queues (Q) and fences
(F) are objects of the trace; a call on a destroyed object replays with the handle value
it had; bad user-mode lines are reported at their line; the C engine refuses malformed
user-mode ops before running them."""

from __future__ import annotations

import ctypes
import io
import json
import random

import numpy as np
import pytest
from dxgk._core import ffi, lib
from test_trace_stream import _canonical, _slow
from test_trace_v2 import TOKENS, mutation_differential

import dxgk
from dxgk import structs, trace
from dxgk.bench import workloads
from dxgk.cli import main

MB, TILE, PAGE = 1 << 20, 1 << 16, 4096
OP_MAP, OP_UNMAP, OP_COPY, OP_MAP_PROTECT = 0, 1, 2, 3
USER_CODES = set(range(15, 26))


def _uop(kind, va, size, alloc=0, offset=0, protection=0):
    o = structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION(OperationType=kind)
    if kind == OP_MAP:
        o.Map.BaseAddress, o.Map.SizeInBytes, o.Map.hAllocation = va, size, alloc
        o.Map.AllocationOffsetInBytes, o.Map.AllocationSizeInBytes = offset, size
    elif kind == OP_MAP_PROTECT:
        o.MapProtect.BaseAddress, o.MapProtect.SizeInBytes = va, size
        o.MapProtect.hAllocation, o.MapProtect.AllocationOffsetInBytes = alloc, offset
        o.MapProtect.AllocationSizeInBytes = size
        o.MapProtect.Protection.Value = protection
    elif kind == OP_UNMAP:
        o.Unmap.BaseAddress, o.Unmap.SizeInBytes = va, size
        o.Unmap.Protection.Value = protection
    else:
        o.Copy.SourceAddress, o.Copy.DestAddress, o.Copy.SizeInBytes = offset, va, size
    return o


def _program(target, *, version=2, paging="immediate", seed=3):
    """Every user-mode call and object, clean and hostile; returns (recorder, state)."""
    rng = random.Random(seed)
    # the forged handle below is one the trace never named: the recorder says so
    with pytest.warns(RuntimeWarning, match="handle value"), \
            dxgk.record(target, version=version) as rec:
        a = dxgk.Adapter(paging=paging)
        p = a.create_process()
        d = p.create_device()
        c = d.create_context()
        q = d.create_paging_queue(priority=1)
        pool = d.allocate(8 * MB, segments=0b01)
        small = d.allocate(256 * 1024, segments=0b10)
        with pytest.raises(dxgk.DdiError):
            d.allocate(1 << 40, segments=0b01)              # no room: a failed allocate
        r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(hPagingQueue=q.handle, Size=64 * MB)
        assert dxgk.D3DKMTReserveGpuVirtualAddress(r) in (0, dxgk.STATUS_PENDING)
        base = int(r.VirtualAddress)
        r2 = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(hAdapter=p.kmt_adapter, Size=4 * MB,
                                                     ReservationType=1)   # zero base
        dxgk.D3DKMTReserveGpuVirtualAddress(r2)
        m = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q.handle, hAllocation=small,
                                                SizeInPages=32)
        m.Protection.Write = 1
        dxgk.D3DKMTMapGpuVirtualAddress(m)
        # the x86 layout of the same thunk: recorded as the core saw it (host layout)
        m2 = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q.handle, hAllocation=small,
                                                 SizeInPages=8, OffsetInPages=4)
        dxgk.D3DKMTMapGpuVirtualAddress(bytearray(bytes(m2)))
        f = d.create_fence(initial=2)
        u = structs.D3DKMT_UPDATEGPUVIRTUALADDRESS(hDevice=d.kmt_handle, hContext=c.kmt_handle,
                                                   hFenceObject=f.handle)
        for batch in range(12):
            n = rng.randrange(1, 9)
            ops = (structs.D3DDDI_UPDATEGPUVIRTUALADDRESS_OPERATION * n)()
            for i in range(n):
                va = base + rng.randrange(64 * MB // TILE - 4) * TILE
                k = rng.choice((OP_MAP, OP_MAP, OP_UNMAP, OP_COPY, OP_MAP_PROTECT))
                ops[i] = _uop(k, va, TILE, pool, rng.randrange(8 * MB // TILE) * TILE
                              if k != OP_COPY else base + rng.randrange(16) * TILE,
                              protection=rng.choice((0, 1, 4)))
            u.NumOperations = n
            u.FenceValue = f.value + (1 if batch % 4 == 3 else 0)
            dxgk.D3DKMTUpdateGpuVirtualAddress(u, ops)
            if batch % 4 == 3:
                f.signal(f.value + 1)
        u.NumOperations = 0                                  # no operations at all
        dxgk.D3DKMTUpdateGpuVirtualAddress(u)
        dxgk.D3DKMTUpdateGpuVirtualAddress(None)             # NULL args
        dxgk.D3DKMTMapGpuVirtualAddress(None)
        bogus = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=0x12345, hAllocation=small,
                                                    SizeInPages=1)
        assert dxgk.D3DKMTMapGpuVirtualAddress(bogus) == dxgk.STATUS_INVALID_HANDLE
        with pytest.raises(dxgk.DdiError):
            f.signal(0)                                       # backwards: refused
        q2 = d.create_paging_queue()
        if paging == "deferred":
            q.execute(1)
        q.execute()                                           # (immediate: nothing pending)
        q2.close()
        gone = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q2.handle, hAllocation=small,
                                                   SizeInPages=1)
        assert dxgk.D3DKMTMapGpuVirtualAddress(gone) == dxgk.STATUS_INVALID_HANDLE
        dxgk.D3DKMTDestroyPagingQueue(structs.D3DDDI_DESTROYPAGINGQUEUE(hPagingQueue=q2.handle))
        fr = structs.D3DKMT_FREEGPUVIRTUALADDRESS(hAdapter=p.kmt_adapter,
                                                  BaseAddress=int(r2.VirtualAddress),
                                                  Size=4 * MB)
        dxgk.D3DKMTFreeGpuVirtualAddress(fr)
        d.deallocate(small)
        with pytest.raises(dxgk.DdiError):
            d.deallocate(small)                               # already gone
        state = _state(p, rec.names)
    return rec, a, state


def _named_vads(vads, kmt_name):
    return [(v.va, v.size, v.kind, v.base,
             [(m.va, m.size, m.kind, kmt_name(m.allocation) if m.allocation else None,
               m.offset_pages, m.protection) for m in v.ranges]) for v in vads]


def _state(p, names):
    """VADs with their ranges' allocations by name, and the page-table counters."""
    t = ffi.new("uint32_t *")

    def kmt_name(k):
        return names.get(int(lib.dxgk_vm_kmt_object(k, t)))
    stats = p.page_table_stats()
    return _named_vads(p.vads(), kmt_name), (stats.tables, stats.mapped_pages,
                                             stats.valid_leaf_entries)


def _replayed_state(r):
    by_handle = {h: n for n, h in r.handles.items()}
    t = ffi.new("uint32_t *")

    def kmt_name(k):
        return by_handle.get(int(lib.dxgk_vm_kmt_object(k, t)))
    h = r.handle("P1")
    vads = dxgk.records.read_vads(h, lambda st: None)
    stats = r.page_table_stats("P1")
    return _named_vads(vads, kmt_name), (stats.tables, stats.mapped_pages,
                                         stats.valid_leaf_entries)


@pytest.fixture(params=[("immediate", 2), ("deferred", 2), ("immediate", 1),
                        ("deferred", 1)], ids=lambda p: f"{p[0]}-v{p[1]}")
def recorded(request, tmp_path):
    paging, version = request.param
    path = tmp_path / "um.jsonl"
    rec, a, state = _program(path, version=version, paging=paging)
    yield path, rec, state, paging
    a.close()


@pytest.mark.parametrize("engine", ["c", "python"])
def test_user_mode_calls_replay_as_recorded_to_the_same_vads(recorded, engine):
    path, rec, state, _ = recorded
    assert rec.foreign_handles == 1                          # the forged 0x12345
    with trace.replay(path, check=True, engine=engine, keep=True) as r:
        assert r.mismatches == [] and r.ok
        assert set(r.trace.ops["code"].tolist()) >= USER_CODES
        assert _replayed_state(r) == state


def test_paging_queues_and_fences_are_trace_objects(recorded):
    path, *_ = recorded
    names = [n for n in trace.decode(path).names if n]
    assert {"Q0", "Q1", "F0", "F1", "F2", "H0", "H1"} <= set(names)
    # a queue's sync object is defined by the same line, right after the queue
    assert names.index("F0") == names.index("Q0") + 1


def test_compact_and_object_lines_of_user_mode_calls_decode_alike(tmp_path, monkeypatch):
    rec2, a2, _ = _program(tmp_path / "v2.jsonl", version=2)
    a2.close()
    lines = list(trace.iter_lines(tmp_path / "v2.jsonl"))
    trace.write_lines(tmp_path / "x.jsonl", lines)
    fast = _canonical(trace.decode(tmp_path / "v2.jsonl"))
    assert fast == _canonical(_slow(monkeypatch, tmp_path / "v2.jsonl"))
    assert fast[4] == _canonical(trace.decode(tmp_path / "x.jsonl"))[4]


def test_the_adapter_event_carries_the_paging_mode(tmp_path):
    for paging in ("immediate", "deferred"):
        buf = io.StringIO()
        with dxgk.record(buf):
            dxgk.Adapter(paging=paging).close()
        adapter = json.loads(buf.getvalue().splitlines()[1])
        assert adapter.get("paging", "immediate") == paging


def test_a_destroyed_queue_replays_with_the_value_it_had(tmp_path):
    """The second Map names Q1 after its destroy: it must fail in the replay as it did
    (STATUS_INVALID_HANDLE), not become a NULL handle (another status)."""
    rec, a, _ = _program(tmp_path / "t.jsonl")
    a.close()
    with trace.replay(tmp_path / "t.jsonl", check=True, results=True) as r:
        ops, res = r.trace.ops, r.results
        maps = np.flatnonzero(ops["code"] == lib.DXGK_RP_KMT_MAP)
        q1 = r.trace.symbol("Q1")
        late = [i for i in maps if ops["sym0"][i] == q1]
        assert late and all(res["status"][i] == dxgk.STATUS_INVALID_HANDLE for i in late)


def _good(tmp_path):
    rec, a, _ = _program(tmp_path / "good.jsonl", version=1)
    a.close()
    return (tmp_path / "good.jsonl").read_text().splitlines()


def _first(lines, needle):
    return next(i for i, line in enumerate(lines) if needle in line)


BAD = [
    ("count", "D3DKMTUpdateGpuVirtualAddress", lambda o: o["args"].update(NumOperations=99),
     "NumOperations is 99"),
    ("row-width", "D3DKMTUpdateGpuVirtualAddress",
     lambda o: o["args"]["Operations"][0].append(0), "must be a row of 8 values"),
    ("row-handle", "D3DKMTUpdateGpuVirtualAddress",
     lambda o: [r.__setitem__(3, "H77") for r in o["args"]["Operations"] if r[0] == 0],
     "is not defined"),
    ("ops-type", "D3DKMTUpdateGpuVirtualAddress",
     lambda o: o["args"].update(Operations="abc"), "must be null or a list"),
    ("new-queue-name", "D3DKMTCreatePagingQueue",
     lambda o: o["result"].update(hPagingQueue="F9"), "for a new paging queue"),
    ("sync-kind", "D3DKMTCreatePagingQueue",
     lambda o: o["result"].update(hSyncObject="Q1"), "for a new fence"),
    ("word-bits", '"fence_signal"', lambda o: o.update(value=1 << 64), "does not fit 64"),
    ("missing-word", '"allocate"', lambda o: o.pop("segments"), "missing field 'segments'"),
    ("paging", '"event":"adapter"', lambda o: o.update(paging="lazy"),
     'paging must be "immediate" or "deferred"'),
    ("row-type-list", "D3DKMTUpdateGpuVirtualAddress",
     lambda o: o["args"]["Operations"][0].__setitem__(0, [0]), "must be an unsigned integer"),
]


@pytest.mark.parametrize("bad, message", [
    ("[[0],65536,65536,8,0,65536,0,0]", "OperationType is an integer"),
    ('[{},65536,65536,8,0,65536,0,0]', "OperationType is an integer"),
    ('["0x0",65536,65536,8,0,65536,0,0]', "OperationType is an integer"),
])
def test_a_compact_update_row_needs_an_integer_type(bad, message, tmp_path, capsys):
    """The type decides whether a row's fourth word is an object number: in a compact
    line it must be an integer (a hex string would be read as a raw handle)."""
    src = tmp_path / "good.jsonl"
    _program(src)[1].close()
    lines = src.read_text().splitlines()
    i = next(k for k, t in enumerate(lines) if t.startswith("[20,") and ",[[" in t)
    head, rest = lines[i].split(",[[", 1)
    lines[i] = head + ",[" + bad + "," + "[" + rest.split("],[", 1)[1] \
        if "],[" in rest else head + ",[" + bad + "]" + rest[rest.index("]]") + 2:]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(path), "--check"]) == 2
    err = capsys.readouterr().err
    assert f":{i + 1}: " in err and message in err and len(err.splitlines()) == 1, err


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_a_bad_user_mode_line_is_reported_at_its_line(case, tmp_path, capsys):
    _, needle, edit, message = case
    lines = _good(tmp_path)
    i = _first(lines, needle)
    o = json.loads(lines[i])
    edit(o)
    lines[i] = json.dumps(o)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(path), "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dxgk replay: {path}:{i + 1}: ") and message in err, err


def test_gen_trace_tiled_replays_clean_in_both_versions(tmp_path):
    for version in (1, 2):
        path = tmp_path / f"tiled{version}.jsonl"
        info = workloads.generate("tiled", 400, 5, path, version=version)
        assert info.calls >= 400
        with trace.replay(path, check=True, keep=True) as r:
            assert r.ok and r.mismatches == []
            codes = r.trace.ops["code"]
            assert np.count_nonzero(codes == lib.DXGK_RP_KMT_UPDATE) >= 390
            vads = dxgk.records.read_vads(r.handle("P1"), lambda st: None)
            tiles = [v for v in vads if v.kind == "reserved"]
            assert len(tiles) == 1 and tiles[0].size == 4 << 30 and len(tiles[0].ranges) > 100
    assert workloads.generate("tiled", 50, 5, io.StringIO()).calls >= 50


def test_mutated_user_mode_traces_decode_alike_on_both_paths(tmp_path, monkeypatch):
    """Mutations of a compact user-mode trace (Update rows, two new objects a line, D3DKMT
    handles): the fast path and the line checker agree; nothing but TraceError escapes."""
    src = tmp_path / "src.jsonl"
    rec, a, _ = _program(src)
    a.close()
    seen = mutation_differential(src, tmp_path, monkeypatch, rounds=200, seed=5,
                                 tokens=TOKENS + [b'"Q0"', b'"F1"', b"[0,1,2,3,4,5,6,7]"])
    assert seen["ok"] > 10 and seen["error"] > 30, seen


# ---- the C engine on hand-built user-mode ops ------------------------------------------------


def _engine_run(tr, ops, nsym=None, kmt=True):
    ops = np.ascontiguousarray(ops)
    handles = np.zeros(len(tr.initial) if nsym is None else nsym, np.uint64)
    k = np.zeros(len(handles), np.uint32)
    run = ffi.new("dxgk_rp_run *")
    keep = [ffi.from_buffer("dxgk_rp_op[]", ops), ffi.from_buffer("uint8_t[]", tr.blob),
            ffi.from_buffer("uint64_t[]", handles), ffi.from_buffer("uint32_t[]", k)]
    run.ops, run.blob, run.handles = keep[:3]
    run.kmt = keep[3] if kmt else ffi.NULL
    run.op_count, run.blob_size, run.handle_count = len(ops), len(tr.blob), len(handles)
    rc = lib.dxgk_rp_execute(run, 1 << 40)
    for i in range(len(handles)):
        if lib.dxgk_vm_handle_type(int(handles[i])) == lib.DXGK_VM_T_ADAPTER:
            lib.dxgk_vm_adapter_destroy(int(handles[i]))
    del keep
    return rc, int(run.next)


@pytest.fixture(scope="module")
def um_trace(tmp_path_factory):
    path = tmp_path_factory.mktemp("um") / "t.jsonl"
    rec, a, _ = _program(path)
    a.close()
    return trace.decode(path)


def test_the_engine_needs_the_kmt_array(um_trace):
    assert _engine_run(um_trace, um_trace.ops, kmt=False) == (lib.DXGK_RP_E_ARGS, 0)
    assert _engine_run(um_trace, um_trace.ops) == (lib.DXGK_RP_OK, len(um_trace.ops))


def _update_with_data(tr):
    ops = tr.ops.copy()
    i = int(np.flatnonzero((ops["code"] == lib.DXGK_RP_KMT_UPDATE)
                           & (ops["flags"] & lib.DXGK_RP_F_DATA != 0))[0])
    return ops, i


def test_the_engine_refuses_an_update_record_naming_a_symbol_beyond_the_table(um_trace):
    ops, i = _update_with_data(um_trace)
    blob = um_trace.blob.copy()
    tr = trace.Trace.__new__(trace.Trace)
    tr.__dict__.update(um_trace.__dict__)
    tr.blob = blob
    start = int(ops["blob"][i]) + ((ctypes.sizeof(structs.D3DKMT_UPDATEGPUVIRTUALADDRESS) + 7) & ~7)
    recs = blob[start:start + 64 * int(ops["n0"][i])].view(np.uint32).reshape(-1, 16)
    maps = np.flatnonzero((recs[:, 0] == OP_MAP) | (recs[:, 0] == OP_MAP_PROTECT))
    recs[maps[0], 6] = len(um_trace.initial) + 5          # Map.hAllocation (offset 24)
    assert _engine_run(tr, ops) == (lib.DXGK_RP_E_SYMBOL, i)


def test_the_engine_refuses_an_update_whose_count_differs_from_its_records(um_trace):
    ops, i = _update_with_data(um_trace)
    ops["n0"][i] += 1
    assert _engine_run(um_trace, ops)[0] in (lib.DXGK_RP_E_COUNT, lib.DXGK_RP_E_BLOB)
    ops["n0"][i] = lib.DXGK_RP_MAX_UOPS + 1
    assert _engine_run(um_trace, ops) == (lib.DXGK_RP_E_COUNT, i)


def test_the_engine_refuses_a_queue_create_defining_a_symbol_beyond_the_table(um_trace):
    ops = um_trace.ops.copy()
    i = int(np.flatnonzero(ops["code"] == lib.DXGK_RP_QUEUE_CREATE)[0])
    ops["sym1"][i] = len(um_trace.initial) + 1
    assert _engine_run(um_trace, ops) == (lib.DXGK_RP_E_SYMBOL, i)


def test_a_struct_thunk_recorded_through_a_ctypes_pointer(tmp_path):
    buf = io.StringIO()
    with dxgk.record(buf) as rec:
        a = dxgk.Adapter()
        p = a.create_process()
        d = p.create_device()
        q = d.create_paging_queue()
        r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(hPagingQueue=q.handle, Size=2 * MB)
        assert dxgk.D3DKMTReserveGpuVirtualAddress(ctypes.pointer(r)) == 0
    line = json.loads(buf.getvalue().splitlines()[-1])
    assert line[0] == 17 and line[-1] == r.VirtualAddress and rec.calls == 2
    a.close()


def test_thunks_called_with_the_x86_layout_are_recorded_in_the_host_layout(tmp_path):
    path = tmp_path / "x86.jsonl"
    with dxgk.record(path, version=1):
        a = dxgk.Adapter()
        d = a.create_process().create_device()
        q = d.create_paging_queue()
        h = d.allocate(1 << 20)
        m = structs.x86.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q.handle, hAllocation=h,
                                                    SizeInPages=4)
        m.Protection.Write = 1
        assert dxgk.D3DKMTMapGpuVirtualAddress(m, abi="x86") == 0 and m.VirtualAddress
    line = json.loads(path.read_text().splitlines()[-1])
    assert line["call"] == "D3DKMTMapGpuVirtualAddress"
    assert line["args"]["hAllocation"] == "H0" and line["args"]["SizeInPages"] == 4
    assert line["result"]["VirtualAddress"] == m.VirtualAddress
    with trace.replay(path, check=True) as r:
        assert r.ok
    a.close()


def test_padding_after_a_map_rows_handle_is_not_part_of_it(tmp_path):
    """The 32 bits after Map.hAllocation are padding the core ignores: a caller's garbage
    there is not recorded as a handle the trace never named."""
    path = tmp_path / "pad.jsonl"
    with dxgk.record(path) as rec:
        a = dxgk.Adapter()
        d = a.create_process().create_device()
        c = d.create_context()
        q = d.create_paging_queue()
        h = d.allocate(1 << 20, segments=0b01)
        r = structs.D3DDDI_RESERVEGPUVIRTUALADDRESS(hPagingQueue=q.handle, Size=4 * MB)
        assert dxgk.D3DKMTReserveGpuVirtualAddress(r) == 0
        raw = bytearray(bytes(_uop(OP_MAP, r.VirtualAddress, TILE, h)))
        raw[28] = 0x5A                                    # padding after hAllocation
        u = structs.D3DKMT_UPDATEGPUVIRTUALADDRESS(hDevice=d.kmt_handle,
                                                   hContext=c.kmt_handle, NumOperations=1,
                                                   hFenceObject=d.create_fence().handle)
        assert dxgk.D3DKMTUpdateGpuVirtualAddress(u, raw) == 0
    assert rec.foreign_handles == 0
    with trace.replay(path, check=True) as rr:
        assert rr.ok
    a.close()
