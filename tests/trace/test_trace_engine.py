"""The C replay engine (dxgk/core/replay.c) on its own: it validates each op before
executing it -- a malformed op array stops the run at that op, with nothing of it done
and nothing out of bounds read or written -- and it runs ops in chunks."""

from __future__ import annotations

import numpy as np
import pytest
from dxgk._core import ffi, lib

from dxgk import trace
from dxgk.bench import workloads


@pytest.fixture(scope="module")
def decoded(tmp_path_factory):
    path = tmp_path_factory.mktemp("engine") / "c.jsonl"
    workloads.generate("churn", 300, 2, path, live=40)
    return trace.decode(path)


class Run:
    """A dxgk_rp_run over (copies of) a decoded trace's arrays."""

    def __init__(self, tr: trace.Trace, ops=None, blob=None, nsym=None) -> None:
        self.ops = np.ascontiguousarray(tr.ops if ops is None else ops)
        self.blob = tr.blob if blob is None else blob
        self.handles = np.zeros(len(tr.initial) if nsym is None else nsym, np.uint64)
        self.kmt = np.zeros(len(self.handles), np.uint32)
        self.mm = ffi.new("dxgk_rp_mismatch[]", 16)
        self.run = ffi.new("dxgk_rp_run *")
        self.keep = [ffi.from_buffer("dxgk_rp_op[]", self.ops),
                     ffi.from_buffer("uint8_t[]", self.blob),
                     ffi.from_buffer("uint64_t[]", self.handles),
                     ffi.from_buffer("uint32_t[]", self.kmt)]
        r = self.run
        r.ops, r.blob, r.handles, r.kmt = self.keep
        r.op_count, r.blob_size, r.handle_count = len(self.ops), len(self.blob), len(self.handles)
        r.mismatches, r.mismatch_cap, r.check = self.mm, 16, 1

    def execute(self, n: int = 1 << 40) -> int:
        return lib.dxgk_rp_execute(self.run, n)

    def close(self) -> None:
        for i in range(len(self.handles)):
            h = int(self.handles[i])
            if lib.dxgk_vm_handle_type(h) == lib.DXGK_VM_T_ADAPTER:
                lib.dxgk_vm_adapter_destroy(h)


def _first(tr, code):
    return int(np.nonzero(tr.ops["code"] == code)[0][0])


def test_chunks_add_up_to_one_run(decoded):
    r = Run(decoded)
    steps = 0
    while r.run.next < len(r.ops):
        assert r.execute(7) == lib.DXGK_RP_OK
        steps += 1
    assert steps == -(-len(r.ops) // 7)
    assert r.run.mismatch_total == 0
    r.close()


@pytest.mark.parametrize("field, value, error", [
    ("code", 0, "DXGK_RP_E_CODE"),
    ("code", 99, "DXGK_RP_E_CODE"),
    ("flags", 1 << 7, "DXGK_RP_E_CODE"),
    ("sym1", 10 ** 6, "DXGK_RP_E_SYMBOL"),
    ("out_sym", 10 ** 6, "DXGK_RP_E_SYMBOL"),
    ("blob", 1 << 40, "DXGK_RP_E_BLOB"),
    ("blob", 4, "DXGK_RP_E_BLOB"),                 # misaligned
])
def test_a_malformed_map_stops_the_run_before_it(decoded, field, value, error):
    k = _first(decoded, lib.DXGK_RP_MAP)
    ops = decoded.ops.copy()
    ops[k][field] = value
    r = Run(decoded, ops=ops)
    assert r.execute() == getattr(lib, error)
    assert r.run.next == k
    # the ops before it ran (the allocation it maps exists) and it did not
    assert r.run.mismatch_total == 0
    st = ffi.new("dxgk_vm_adapter_stats *")
    assert lib.dxgk_vm_get_adapter_stats(int(r.handles[0]), st) == 0
    assert st.mappings == int(np.count_nonzero(
        (decoded.ops["code"][:k] == lib.DXGK_RP_MAP) & (decoded.ops["expect_status"][:k] == 0)))
    r.close()


def test_blob_and_counts_are_checked(decoded):
    a = _first(decoded, lib.DXGK_RP_ADAPTER_CREATE)
    ops = decoded.ops.copy()
    ops[a]["n0"] = 7                               # more levels than exist
    r = Run(decoded, ops=ops)
    assert r.execute() == lib.DXGK_RP_E_COUNT and r.run.next == a
    r = Run(decoded, blob=decoded.blob[:8].copy())  # the blob cut short
    assert r.execute() == lib.DXGK_RP_E_BLOB and r.run.next == a
    r = Run(decoded, nsym=1)                       # no room for the system process symbol
    assert r.execute() == lib.DXGK_RP_E_SYMBOL and r.run.next == a


def test_update_data_must_be_inside_the_op(tmp_path):
    import dxgk
    path = tmp_path / "u.jsonl"
    with dxgk.record(path):
        a = dxgk.Adapter()
        h = a.create_allocation(4096)
        a.update_allocation(h, b"12345678")
    tr = trace.decode(path)
    k = _first(tr, lib.DXGK_RP_UPDATE)
    ops = tr.ops.copy()
    ops[k]["n0"] = 4                               # PrivateDriverDataSize (8) > bytes (4)
    r = Run(tr, ops=ops)
    assert r.execute() == lib.DXGK_RP_E_BLOB and r.run.next == k
    r.close()
    a.close()


def test_null_run_and_bad_cursor_are_rejected(decoded):
    assert lib.dxgk_rp_execute(ffi.NULL, 1) == lib.DXGK_RP_E_ARGS
    r = Run(decoded)
    r.run.next = len(r.ops) + 1
    assert r.execute() == lib.DXGK_RP_E_ARGS


def test_struct_sizes_match_the_python_layouts():
    from dxgk import structs
    for code, name in [(lib.DXGK_RP_MAP, "DXGKARGCB_MAPCONTEXTALLOCATION"),
                       (lib.DXGK_RP_CREATE, "DXGKARGCB_CREATECONTEXTALLOCATION"),
                       (lib.DXGK_RP_UPDATE, "DXGKARGCB_UPDATECONTEXTALLOCATION"),
                       (lib.DXGK_RP_RESERVE, "DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE"),
                       (lib.DXGK_RP_ADAPTER_CREATE, "DXGK_GPUMMUCAPS")]:
        import ctypes
        assert lib.dxgk_rp_struct_size(code) == ctypes.sizeof(getattr(structs, name))
    assert trace.OP_DTYPE.itemsize == ffi.sizeof("dxgk_rp_op") == 64
