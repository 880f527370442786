"""Replaying traces with a driver attached (issue: "replaying any trace on an adapter with
the example driver attached must validate()"): ``replay(..., driver=, decoder=)`` brings
every adapter the trace creates up with the driver, makes every object through it
(docs/behaviour.md 10.1), delivers the paging stream to it (10.2), and afterwards -- or
after every op -- the driver's own tables, decoded, equal the model's (10.4)."""

from __future__ import annotations

import json
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


# ---- python -m dxgk replay --driver LIB:ENTRY [--decoder SYMBOL] [--validate] ------------

LYING = """
/* tinygpu's decoder, but every valid leaf entry decodes one page further on */
NTSTATUS lying_decode_pte(UINT level, const void *raw, SIZE_T size, DXGK_PTE *out)
{
    NTSTATUS st = tinygpu_decode_pte(level, raw, size, out);
    if (st == STATUS_SUCCESS && level == 0 && out->Valid)
        out->PageAddress += 4096;
    return st;
}
"""


@pytest.fixture(scope="module")
def liar(tmp_path_factory):
    """tinygpu with a second, lying decoder, as a shared library the command loads."""
    from test_example_driver import CDEF, SOURCE
    return cbuild.build("_dxgk_tinygpu_liar", SOURCE + LYING,
                        CDEF + "int32_t lying_decode_pte(unsigned int, const void *, size_t, "
                        "void *);", tmp_path_factory.mktemp("liar"))


def test_10_6_replay_command_attaches_a_c_driver_from_its_library_and_validates(
        liar, tmp_path, capsys) -> None:
    from dxgk.cli import main
    path = _gen(tmp_path, "mixed-pages", 400)
    lib_path = liar.__file__
    assert main(["replay", str(path), "--check", "--driver",
                 f"{lib_path}:tinygpu_driver_entry", "--decoder", "tinygpu_decode_pte",
                 "--validate"]) == 0
    out = capsys.readouterr().out
    assert "every result as recorded" in out
    assert "validate: the driver's tables agree with the model's" in out
    assert liar.lib.tinygpu_stat(UPDATES) > 0       # the library's driver wrote the tables
    # the lying decoder: exit 1, the first difference named
    assert main(["replay", str(path), "--driver", f"{lib_path}:tinygpu_driver_entry",
                 "--decoder", "lying_decode_pte", "--validate", "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["validated"] is False
    assert "level 0" in summary["validation"] and "index" in summary["validation"]


@pytest.mark.parametrize("extra, says", [
    (["--driver", "no-colon"], "LIB:ENTRY"),
    (["--driver", "{lib}:no_such_entry"], "has no function 'no_such_entry'"),
    (["--driver", "{lib}:tinygpu_driver_entry", "--decoder", "nope"], "no function 'nope'"),
    (["--driver", "/no/such/lib.so:entry"], "cannot load"),
    (["--validate"], "need --driver"),
    (["--decoder", "tinygpu_decode_pte"], "need --driver"),
    (["--driver", "{lib}:tinygpu_driver_entry", "--engine", "python"], "C engine"),
    (["--driver", "{lib}:tinygpu_driver_entry", "--ddi-version", "0x1"], "Version 0x1"),
    (["--driver", "{lib}:tinygpu_driver_entry", "--ddi-version", "-3"], "--ddi-version"),
])
def test_10_6_replay_command_refuses_an_unusable_driver_in_one_line(
        liar, tmp_path, capsys, extra, says) -> None:
    from dxgk.cli import main
    path = _gen(tmp_path, "churn", 50)
    argv = ["replay", str(path)] + [a.format(lib=liar.__file__) for a in extra]
    try:
        rc = main(argv)
    except SystemExit as e:                      # argparse's own refusals
        rc = e.code
    assert rc == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1, err


def test_10_6_paging_log_command_with_a_driver_shows_the_dma_it_submitted(
        liar, tmp_path, capsys) -> None:
    from dxgk.cli import main
    path = _gen(tmp_path, "churn", 120)
    spec = f"{liar.__file__}:tinygpu_driver_entry"
    assert main(["paging-log", str(path)]) == 0
    assert "dma" not in capsys.readouterr().out          # no driver: nothing submitted
    assert main(["paging-log", str(path), "--driver", spec]) == 0
    lines = capsys.readouterr().out.splitlines()
    flushes = [x for x in lines if " FLUSH_TLB " in x]
    # tinygpu (CPU_VIRTUAL) writes one 32-byte FLUSH command per FLUSH_TLB, nothing else
    assert flushes and all(x.endswith("; dma 32 bytes") for x in flushes)
    assert not any("dma" in x for x in lines if " UPDATE_PAGE_TABLE " in x)
    assert main(["paging-log", str(path), "--driver", spec, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    dma = [bytes.fromhex(r["dma"]) for r in rows if r["operation"] == "FLUSH_TLB"]
    assert dma and all(len(d) == 32 for d in dma)
    assert main(["paging-log", str(path), "--driver", "nolib"]) == 2
    err = capsys.readouterr().err
    assert "LIB:ENTRY" in err and err.count("\n") == 1
