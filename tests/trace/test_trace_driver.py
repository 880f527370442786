"""Replaying traces with a driver attached (issue: "replaying any trace on an adapter with
the example driver attached must validate()"): ``replay(..., driver=, decoder=)`` brings
every adapter the trace creates up with the driver, makes every object through it
(docs/behaviour.md 10.1), delivers the paging stream to it (10.2), and afterwards -- or
after every op -- the driver's own tables, decoded, equal the model's (10.4)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import dxgk
from dxgk import structs, trace
from dxgk._core import ffi, lib
from dxgk.bench import workloads
from dxgk.testing import cbuild

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "ddi"))
from test_example_driver import build, decoder_of, table_of  # noqa: E402
from test_spec_driver import Recorder  # noqa: E402

pytestmark = pytest.mark.skipif(not cbuild.have_compiler(), reason="no C compiler")

KINDS = ["churn", "fixed-range", "mixed-pages", "processes", "tiled"]
UPDATES = 0


@pytest.fixture(scope="module")
def tinygpu(tmp_path_factory):
    return build(tmp_path_factory, "_dxgk_tinygpu_rp")



def _gen(tmp_path: Path, kind: str, calls: int, version: int = 2) -> Path:
    out = tmp_path / f"{kind}.jsonl"
    workloads.generate(kind, calls, 3, out, version=version)
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_10_6_every_generated_workload_replays_on_tinygpu_and_validates(tinygpu, tmp_path,
                                                                   kind: str) -> None:
    path = _gen(tmp_path, kind, 1500)
    table = table_of(tinygpu)                      # (resets tinygpu's counters)
    with trace.replay(path, driver=table, decoder=decoder_of(tinygpu), keep=True) as r:
        assert r.ok, r.mismatches[:3]            # tinygpu's GpuMmu is the default one
        assert r.adapters and not any(a.removed for a in r.adapters)
        r.validate()                             # the driver's tables equal the model's
        assert "DxgkDdiBuildPagingBuffer" in {c.ddi for c in r.adapters[0].ddi_calls}
    assert tinygpu.lib.tinygpu_stat(UPDATES) > 0         # it wrote the page tables


def test_10_6_validate_holds_after_every_op_of_a_replay(tinygpu, tmp_path) -> None:
    path = _gen(tmp_path, "mixed-pages", 300, version=1)
    msg = ffi.new("char[]", 512)
    checked = []

    def after(i: int, handles: Any) -> None:
        for h in handles:
            if lib.dxgk_vm_handle_type(int(h)) == lib.DXGK_VM_T_ADAPTER:
                st = lib.dxgk_vm_validate(int(h), msg, 512) & 0xFFFFFFFF
                assert st == 0, (i, ffi.string(msg).decode())
                checked.append(i)

    r = trace.replay(path, driver=table_of(tinygpu), decoder=decoder_of(tinygpu), after_op=after)
    assert r.ok and len(set(checked)) > 250


def test_10_6_a_recorded_program_with_its_own_description_replays_through_the_driver(
        tinygpu, tmp_path) -> None:
    # recorded on a 3-level adapter without a driver; replayed, tinygpu's answers replace
    # the description (the VAs may differ), its objects are the driver's, its tables agree
    path = tmp_path / "run.jsonl"
    caps = {"PageTableLevelCount": 3, "VirtualAddressBitCount": 39}
    with dxgk.record(path):
        a = dxgk.Adapter(caps=caps, levels=[{}, {}, {}])
        p = a.create_process()
        d = p.create_device()
        d.create_context()
        hs = [a.create_allocation(n * 4096, d, segments=[2]) for n in (1, 17, 512)]
        for h in hs:
            a.map(h)
        a.destroy_allocation(hs[1])
        q = d.create_paging_queue()
        k = d.allocate(1 << 20, segments=[2])
        m = structs.D3DDDI_MAPGPUVIRTUALADDRESS(hPagingQueue=q.handle, hAllocation=k,
                                                SizeInPages=64)
        m.Protection.Write = 1
        dxgk.D3DKMTMapGpuVirtualAddress(m)
        a.close()                               # the trace destroys its adapter
    r = trace.replay(path, driver=table_of(tinygpu), decoder=decoder_of(tinygpu), keep=True,
                     upto_line=len(path.read_text().splitlines()) - 1)   # before a.close()
    assert r.adapters and r.adapters[0].caps.PageTableLevelCount == 4     # the driver's
    r.validate()
    r.close()
    # the whole run with a Python driver: every object DDI, and the trace's close of the
    # adapter tears everything down through it, children first
    drv = Recorder()
    r = trace.replay(path, driver=drv)
    names = [c[0] for c in drv.calls]
    for ddi in ("CreateProcess", "CreateDevice", "CreateContext", "CreateAllocation"):
        assert ddi in names, (ddi, names)
    tail = names[names.index("DestroyContext"):]
    assert tail.index("DestroyContext") < tail.index("DestroyDevice") < \
        tail.index("DestroyProcess"), tail
    assert r.ok, r.mismatches[:3]


def test_10_6_replay_with_a_driver_refuses_what_it_cannot_do(tinygpu, tmp_path) -> None:
    path = _gen(tmp_path, "churn", 50)
    with pytest.raises(ValueError, match="decoder needs driver="):
        trace.replay(path, decoder=decoder_of(tinygpu))
    with pytest.raises(ValueError, match="needs the C engine"):
        trace.replay(path, driver=table_of(tinygpu), engine="python")
    with pytest.raises(TypeError, match="decoder must be a C function"):
        trace.replay(path, driver=table_of(tinygpu), decoder=3)
