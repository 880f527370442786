"""``python -m dxgk paging-log FILE``: the paging stream a trace makes the model issue
(docs/behaviour.md 10.2), each operation with the line that caused it -- read from the
adapters' own logs, including an adapter the trace destroys."""

from __future__ import annotations

import json

import pytest

import dxgk
from dxgk import structs, trace
from dxgk.cli import main


def _program(path, *, destroy=False):
    with dxgk.record(path, version=1):
        a = dxgk.Adapter()
        p = a.create_process()
        d = p.create_device()
        h = a.create_allocation(1 << 20, d)
        a.map(h, pages=16)
        dxgk.DxgkCbDestroyContextAllocation(a.handle, h)
        if destroy:
            a.close()
    return a


def _lines(path):
    return path.read_text().splitlines()


def _line_of(path, needle):
    return next(i + 1 for i, t in enumerate(_lines(path)) if needle in t)


def test_each_operation_is_printed_with_the_line_that_caused_it(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    a = _program(path)
    assert main(["paging-log", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    map_line = _line_of(path, '"DxgkCbMapContextAllocation"')
    destroy_line = _line_of(path, '"DxgkCbDestroyContextAllocation"')
    mine = [t for t in out if t.startswith(f"{path}:{map_line}: A0/P1 ")]
    kinds = [t.split()[3] for t in mine]
    # new tables initialised, leaf run, upper levels, then one flush (docs/behaviour.md 10.2)
    assert kinds[-1] == "FLUSH_TLB" and kinds.count("FLUSH_TLB") == 1
    assert "[16..31]" not in mine[0] and any("level 0" in t and "va 0x" in t for t in mine)
    teardown = [t.split()[3] for t in out if t.startswith(f"{path}:{destroy_line}: ")]
    assert teardown and teardown[-1] == "FLUSH_TLB"
    logged = [op for op in a.paging_log]                  # the recording's own adapter
    assert out[-1] == f"{len(out) - 1} paging operation(s)"
    assert len(out) - 1 == len(logged)                    # same calls, same stream
    a.close()


def test_json_gives_the_bytes_of_each_operation(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    a = _program(path)
    assert main(["paging-log", str(path), "--json", "--process", "P1"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["process"] for r in rows} == {"P1"}
    leaf = next(r for r in rows if r["operation"] == "UPDATE_PAGE_TABLE" and r["entries"]
                and structs.DXGK_PTE.from_buffer_copy(bytes.fromhex(r["entries"][0])).Valid
                and structs.DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE.from_buffer_copy(
                    bytes.fromhex(r["args"])).PageTableLevel == 0)
    args = structs.DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE.from_buffer_copy(
        bytes.fromhex(leaf["args"]))
    # 16 pages: one 64 KB entry, or 16 4 KB ones (docs/behaviour.md 7.5)
    assert args.NumPageTableEntries in (1, 16) and args.FirstPteVirtualAddress
    a.close()


def test_an_adapter_the_trace_destroys_keeps_its_operations(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    _program(path, destroy=True)
    assert main(["paging-log", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(" FLUSH_TLB " in t for t in out) and not out[-1].startswith("0 ")


@pytest.mark.parametrize("extra, message", [
    (["--process", "P9"], "defines no process named 'P9'"),
    (["--process", "A0"], "defines no process named 'A0'"),
])
def test_an_unknown_process_is_one_line_and_exit_2(extra, message, tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    _program(path).close()
    assert main(["paging-log", str(path), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1


def test_a_malformed_trace_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"format":"dxgk-trace","version":2}\n[99]\n')
    assert main(["paging-log", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dxgk paging-log: {path}:2: ") and len(err.splitlines()) == 1


def test_after_op_needs_the_c_engine(tmp_path):
    path = tmp_path / "t.jsonl"
    _program(path).close()
    with pytest.raises(ValueError, match="needs the C engine"):
        trace.replay(path, engine="python", after_op=lambda i, h: None)


@pytest.mark.parametrize("engine", ["c", "python"])
def test_replayed_adapters_keep_a_paging_log_only_when_asked(engine, tmp_path):
    from dxgk import paging
    path = tmp_path / "t.jsonl"
    _program(path).close()
    for asked in (False, True):
        with trace.replay(path, engine=engine, keep=True, paging_log=asked) as r:
            cap, _, held = paging.log_range(r.handle("A0"))
            assert (cap > 0, held > 0) == (asked, asked)
