"""Trace format 2: compact lines (README.md, "Traces"; dxgk.trace.optable).

What the recorder writes (the README's lines, byte for byte), that a compact trace and the
object-line trace of the same calls decode to the same ops, that version-1 traces still
replay, that iter_lines gives the object form of every line, that every bad compact line
is reported at its line with nothing run, and that the fast path and the line checker
agree on hand-written compact forms (names, status names, "0x" numbers)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_trace_stream import _canonical, _slow

import dxgk
from dxgk import trace
from dxgk.bench import workloads
from dxgk.cli import main
from dxgk.trace import decoder
from dxgk.trace.optable import SPECS, header_ops

README_LINES = [
    "[3,1,3,0]",
    "[14,1,3,2097152,0,0,0,0,0,549755813888]",
    "[4,3,1,0]",
    "[6,3,4,0]",
    "[10,0,1,4,0,0,1048576,0,3,0,0,0,0,0,0,0,5,0]",
    "[12,1,0,0,0,5,0,256,1,0,0,65536]",
]


def _readme_program(path, version=2):
    with dxgk.record(path, version=version) as rec:
        a = dxgk.Adapter()
        p = a.create_process(on_create=lambda p: p.reserve(2 << 20))
        h = a.create_allocation(1 << 20, p.create_device())
        a.map(h)
    a.close()
    return rec


def test_the_recorder_writes_the_readme_compact_lines(tmp_path):
    path = tmp_path / "run.jsonl"
    rec = _readme_program(path)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    assert header["version"] == 2 and header["ops"] == header_ops()
    assert json.loads(lines[1])["event"] == "adapter"         # an object line
    assert lines[2:] == README_LINES
    assert (rec.calls, rec.events, rec.lines) == (3, 4, 8)
    with trace.replay(path, check=True) as r:
        assert r.mismatch_total == 0


def test_compact_and_object_lines_decode_to_the_same_ops(tmp_path):
    v2, v1 = tmp_path / "v2.jsonl", tmp_path / "v1.jsonl"
    workloads.generate("churn", 3000, 5, v2, live=64)
    workloads.generate("churn", 3000, 5, v1, live=64, version=1)
    a, b = trace.decode(v2), trace.decode(v1)
    ca, cb = _canonical(a), _canonical(b)
    assert ca[0] == cb[0] and list(ca[0]) == list(cb[0])        # names
    assert ca[1:3] == cb[1:3] and ca[4] == cb[4]                 # all but the header
    assert v2.stat().st_size * 4 < v1.stat().st_size
    for p in (v1, v2):                                           # version 1 still replays
        with trace.replay(p, check=True) as r:
            assert r.mismatch_total == 0 and r.calls == a.calls


def test_iter_lines_gives_object_lines_that_write_back_and_replay(tmp_path):
    src = tmp_path / "src.jsonl"
    workloads.generate("processes", 300, 2, src)
    lines = list(trace.iter_lines(src))
    assert all(isinstance(o, dict) for o in lines)
    assert {o.get("call") or o.get("event") for o in lines[1:]} >= {
        "adapter", "process_begin", "DxgkCbReserveGpuVirtualAddressRange",
        "DxgkCbCreateContextAllocation", "DxgkCbMapContextAllocation"}
    out = tmp_path / "out.jsonl"
    trace.write_lines(out, lines)
    assert _canonical(trace.decode(out))[:3] == _canonical(trace.decode(src))[:3]
    assert _canonical(trace.decode(out))[4] == _canonical(trace.decode(src))[4]


def test_names_spell_version_2_symbols_on_demand(tmp_path):
    path = tmp_path / "run.jsonl"
    _readme_program(path)
    tr = trace.decode(path)
    assert isinstance(tr.names, trace.Names)
    assert list(tr.names) == ["A0", "P0", "P1", "D0", "H0"]
    assert tr.symbol("H0") == 4 and tr.names[-1] == "H0" and tr.names[1:3] == ["P0", "P1"]
    assert tr.symbols_of("P") == ["P0", "P1"]
    with pytest.raises(KeyError):
        tr.symbol("H1")


def test_hand_written_compact_forms_decode_like_the_recorders(tmp_path, monkeypatch):
    path = tmp_path / "run.jsonl"
    _readme_program(path)
    lines = path.read_text().splitlines()
    edited = lines[:2] + [
        '[3,"A0","P1","STATUS_SUCCESS"]',                        # names, a status name
        '[14, 1, 3, "0x200000", 0, 0, 0, 0, 0, 549755813888]',   # spaces, "0x"
        lines[4], lines[5],
        '[10,0,"A0","D0",null,0,1048576,0,3,0,0,0,0,null,0,0,5,0]',  # null handles
        lines[7]]
    hand = tmp_path / "hand.jsonl"
    hand.write_text("\n".join(edited) + "\n")
    assert _canonical(trace.decode(hand)) == _canonical(trace.decode(path))
    assert _canonical(_slow(monkeypatch, path)) == _canonical(trace.decode(path))
    with trace.replay(hand, check=True) as r:
        assert r.mismatch_total == 0


def test_update_data_in_compact_lines(tmp_path, monkeypatch):
    path = tmp_path / "upd.jsonl"
    with dxgk.record(path):
        a = dxgk.Adapter()
        h = a.create_allocation(64 * 1024)
        for i in range(40):
            a.update_allocation(h, bytes([i, 1, 2]) if i % 3 else None)
        u = dxgk.structs.DXGKARGCB_UPDATECONTEXTALLOCATION(hAllocation=h,
                                                           pPrivateDriverData=0,
                                                           PrivateDriverDataSize=4)
        dxgk.DxgkCbUpdateContextAllocation(a.handle, u)
    a.close()
    text = path.read_text()
    assert '[13,1,3,"010102",3,0]' in text and "[13,1,3,null,0,0]" in text
    taken = []
    real = decoder.decode_run

    def spy(dec, lines, nums, kinds):
        ok = real(dec, lines, nums, kinds)
        taken.append(len(lines) if ok else 0)
        return ok
    monkeypatch.setattr(decoder, "decode_run", spy)
    fast = trace.decode(path)
    assert sum(taken) == fast.lines - 2                  # all but the header and adapter
    monkeypatch.undo()
    assert _canonical(fast) == _canonical(_slow(monkeypatch, path))
    with trace.replay(path, check=True) as r:
        assert r.mismatch_total == 0


def test_foreign_handles_are_written_as_object_lines(tmp_path):
    a = dxgk.Adapter()
    h = a.create_allocation(64 * 1024)
    path = tmp_path / "foreign.jsonl"
    with pytest.warns(RuntimeWarning, match="before recording began"), \
            dxgk.record(path) as rec:
        a.map(h, 1)
    a.close()
    line = json.loads(path.read_text().splitlines()[1])
    assert line["hAdapter"] == a.handle and rec.foreign_handles == 2
    r = trace.replay(path, check=True)
    assert r.mismatches[0].got_status == dxgk.STATUS_INVALID_HANDLE


# ---- bad compact lines: FILE:LINE and what is wrong, nothing run ----------------------

BAD = [
    ("unknown-code", "[99,1,0]", "unknown line code 99"),
    ("not-a-code", '["M",1]', "first value is its code"),
    ("empty", "[]", "first value is its code"),
    ("width", "[11,1,5]", "a DxgkCbDestroyContextAllocation line has 4 values"),
    ("undefined-object", "[11,1,77,0]", "object 77 is not defined by any earlier line"),
    ("new-out-of-turn", "[6,3,9,0]", "a new device is numbered 6"),
    ("bad-keep", "[4,3,2,0]", "keep must be 1 (finish) or 0 (abandon)"),
    ("negative", "[11,1,-5,0]", "object -5 is not defined"),
    ("too-big", "[11,1,5,99999999999]", "must be a STATUS_* name or an integer; got 99999"),
    ("too-big-64", "[12,1,0,0,0,5,0,1,18446744073709551616,0,0,65536]", "does not fit 64 bits"),
    ("float", "[12,1,0,0,0,5,0,2.5,1,0,0,65536]", "must be an unsigned integer"),
    ("bool-handle", "[11,true,5,0]", "a handle is an object number"),
    ("nested", "[12,1,[0],0,0,5,0,1,1,0,0,65536]", "must be an unsigned integer"),
    ("deep", "[12," + "[" * 3000 + "]" * 3000 + "]", "nested"),
    ("bad-status", '[11,1,5,"STATUS_NOPE"]', "must be a STATUS_* name or an integer"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_a_bad_compact_line_is_reported_and_nothing_runs(case, tmp_path, capsys,
                                                          no_execution):
    _, bad, message = case
    src = tmp_path / "good.jsonl"
    _readme_program(src)
    lines = src.read_text().splitlines()
    lines.insert(7, bad)                                     # after the device (object 4)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(path), "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dxgk replay: {path}:8: ") and message in err, err
    assert len(err.splitlines()) == 1 and no_execution == []


def test_object_lines_of_a_version_2_trace_name_objects_in_turn(tmp_path, capsys):
    src = tmp_path / "good.jsonl"
    _readme_program(src, version=1)
    lines = src.read_text().splitlines()
    header = json.loads(lines[0])
    header["version"] = 2
    lines[0] = json.dumps(header)
    ok = tmp_path / "ok.jsonl"
    ok.write_text("\n".join(lines) + "\n")                  # object lines, named in turn
    assert main(["replay", str(ok), "--check"]) == 0
    lines[5] = lines[5].replace('"D0"', '"D7"')              # device_create
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(bad)]) == 2
    assert "the next device is named 'D0'" in capsys.readouterr().err


def test_a_compact_line_needs_a_version_2_header(tmp_path, capsys):
    src = tmp_path / "v1.jsonl"
    _readme_program(src, version=1)
    lines = src.read_text().splitlines()
    lines.append("[11,1,5,0]")
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(path)]) == 2
    assert "in a version-2 trace, a compact array" in capsys.readouterr().err


@pytest.mark.parametrize("ops, message", [
    ([[12, "DxgkCbMapContextAllocation", ["hAdapter"]]], "line code 12 is"),
    ([[77, "D3DKMTFuture", ["x"]]], "line code 77"),
    ("all", "must be a list"),
    ([[12]], "an \"ops\" entry is [code, name, [columns...]]"),
])
def test_a_header_op_table_that_differs_is_refused(ops, message, tmp_path, capsys):
    src = tmp_path / "run.jsonl"
    _readme_program(src)
    lines = src.read_text().splitlines()
    header = json.loads(lines[0])
    header["ops"] = ops
    lines[0] = json.dumps(header)
    path = tmp_path / "ops.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: " in err and message in err, err


def test_the_op_table_follows_the_struct_layouts():
    from dxgk.trace.format import _CODECS
    for spec in SPECS.values():
        if spec.codec is not None:
            members = [c.name for c in spec.columns][len(spec.outer):][:len(spec.codec.names)]
            assert members == list(spec.codec.names)
            assert spec.codec is _CODECS[spec.op]
        assert spec.columns[-1].name == "result.status" or \
            any(c.name == "result.status" for c in spec.columns)
    assert len({s.code for s in SPECS.values()}) == len(SPECS)


def test_gen_trace_writes_either_version(tmp_path):
    out1, out2 = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["gen-trace", "churn", "--calls", "200", "--seed", "3", "-o", str(out1),
                 "--trace-version", "1"]) == 0
    assert main(["gen-trace", "churn", "--calls", "200", "--seed", "3", "-o", str(out2)]) == 0
    assert json.loads(out1.read_text().splitlines()[0])["version"] == 1
    assert out2.read_text().splitlines()[3].startswith("[")
    assert np.array_equal(trace.decode(out1).ops["code"], trace.decode(out2).ops["code"])


def test_record_refuses_an_unknown_version(tmp_path):
    with pytest.raises(ValueError, match="version must be 1"):
        dxgk.record(tmp_path / "x.jsonl", version=3)


def _decoded(path, monkeypatch, slow: bool):
    """("ok", canonical form) or ("error", line, message) of a decode."""
    try:
        tr = _slow(monkeypatch, path) if slow else trace.decode(path)
    except trace.TraceError as e:
        return ("error", e.line, e.message)
    return ("ok", _canonical(tr))


TOKENS = [b"[", b"]", b",", b"-", b"1e400", b"\xff", b"null", b"true", b'"H0"', b'"x"',
          b"0" * 25, b"{}", b"[[", b"99", b" ", b"\n", b"18446744073709551616",
          b'"0x10"', b"00", b"-0", b"2.0", b'"STATUS_SUCCESS"']


def mutation_differential(src, tmp_path, monkeypatch, *, rounds, seed, tokens=TOKENS):
    """Byte flips, cuts, injected tokens and changed digits in the compact trace `src`
    (after its header and adapter): the fast path and the line checker must give the
    same ops or the same error (line and message), and nothing but a TraceError may
    come out. Returns how many mutants decoded and how many were refused."""
    import random
    text = src.read_bytes()
    body = text.index(b"\n[")                    # mutate after the header and adapter
    rng = random.Random(seed)
    seen = {"ok": 0, "error": 0}
    for _ in range(rounds):
        b = bytearray(text)
        for _ in range(rng.randrange(1, 4)):
            p = rng.randrange(body, len(b))
            k = rng.randrange(5)
            if k >= 3:                            # another digit: still JSON, other values
                digits = [i for i in range(p, min(p + 40, len(b))) if 48 <= b[i] <= 57]
                if digits:
                    b[digits[0]] = rng.randrange(48, 58)
            elif k == 0:
                b[p] = rng.randrange(256)
            elif k == 1:
                b[p:p] = rng.choice(tokens)
            else:
                del b[p:p + rng.randrange(1, 12)]
        path = tmp_path / "m.jsonl"
        path.write_bytes(bytes(b))
        fast, slow = _decoded(path, monkeypatch, False), _decoded(path, monkeypatch, True)
        assert fast == slow, (bytes(b[body:body + 200]), fast[:3], slow[:3])
        seen[fast[0]] += 1
        if fast[0] == "ok":
            with trace.replay(path, check=True) as r:
                assert r.calls >= 0
    return seen


def test_mutated_compact_traces_decode_alike_on_both_paths(tmp_path, monkeypatch):
    src = tmp_path / "src.jsonl"
    workloads.generate("processes", 120, 9, src)
    seen = mutation_differential(src, tmp_path, monkeypatch, rounds=400, seed=17)
    assert seen["ok"] > 20 and seen["error"] > 100, seen


@pytest.mark.parametrize("bad, message", [
    ("[4,3,true,0]", "keep must be 1 (finish) or 0 (abandon)"),
    ("[6,3,0.0,0]", "a new device is numbered"),
])
def test_booleans_and_floats_are_not_compact_integers(bad, message, tmp_path, capsys):
    src = tmp_path / "good.jsonl"
    _readme_program(src)
    lines = src.read_text().splitlines()
    lines.insert(7, bad)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert main(["replay", str(path)]) == 2
    assert message in capsys.readouterr().err
