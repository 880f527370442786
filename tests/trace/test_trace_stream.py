"""The streaming decoder: its fast path (runs of lines in the recorder's form, decoded at
once) gives exactly what the line-by-line checker gives; a trace read in many small
chunks decodes as one read at once; an error in a later chunk is reported at its line and
nothing runs; compressed traces (.jsonl.gz, .jsonl.zst) record and replay by name."""

from __future__ import annotations

import gzip
import json
import os
import re

import numpy as np
import pytest
from dxgk._core import lib
from trace_helpers import Program

import dxgk
from dxgk import trace
from dxgk.bench import workloads
from dxgk.cli import main
from dxgk.trace import decoder
from dxgk.trace.format import _CAPS_C, _CODECS, _LEVEL_SIZE, _SEG_SIZE, _UOPS
from dxgk.trace.optable import SPECS

_WORDS = {s.op: len(s.words) for s in SPECS.values() if s.words}


def _c8(n: int) -> int:
    return (n + 7) & ~7


def _op_blob(tr: trace.Trace, op: np.void) -> bytes:
    """The blob bytes op `op` reads (the blob's order of parts is free; their bytes are
    not)."""
    code, off = int(op["code"]), int(op["blob"])
    if code == lib.DXGK_RP_KMT_UPDATE and int(op["flags"]) & lib.DXGK_RP_F_DATA:
        n = _c8(_CODECS[code].size) + int(op["n0"]) * _UOPS.size
    elif code in _CODECS:
        n = _CODECS[code].size + (int(op["n0"]) if code == lib.DXGK_RP_UPDATE else 0)
    elif code in _WORDS:
        n = 8 * _WORDS[code]
    elif code == lib.DXGK_RP_ADAPTER_CREATE:
        n = _c8(_CAPS_C.size) + _c8(int(op["n0"]) * _LEVEL_SIZE) + int(op["n1"]) * _SEG_SIZE
    else:
        return b""
    return trace_blob(tr)[off:off + n]


def trace_blob(tr: trace.Trace) -> bytes:
    return tr.blob.tobytes()


def _canonical(tr: trace.Trace) -> tuple:
    """Everything a replay reads from a Trace, blob offsets replaced by the bytes there."""
    fields = [f for f in trace.OP_DTYPE.names if f != "blob"]
    blob = trace_blob(tr)
    rows = []
    for op in tr.ops:
        rows.append((tuple(int(op[f]) for f in fields), _op_blob(tr, op) if blob else b""))
    return (tr.names, tr.initial.tolist(), tr.lines, tr.header, rows)


def _slow(monkeypatch, path) -> trace.Trace:
    """The trace decoded line by line only (the fast path refuses every run)."""
    with monkeypatch.context() as m:
        m.setattr(decoder, "decode_run", lambda *a: False)
        return trace.decode(path)


def _taken(monkeypatch) -> list[int]:
    """Counts the lines the fast path took (a spy on decode_run)."""
    taken: list[int] = []
    real = decoder.decode_run

    def spy(dec, lines, nums, kinds):
        ok = real(dec, lines, nums, kinds)
        if ok:
            taken.append(len(lines))
        return ok
    monkeypatch.setattr(decoder, "decode_run", spy)
    return taken


@pytest.fixture(scope="module")
def workload_traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("stream")
    out = {}
    for kind in workloads.KINDS:
        p = d / f"{kind}.jsonl"
        workloads.generate(kind, 1500, 3, p)
        out[kind] = p
    return out


@pytest.fixture(scope="module")
def v1_churn(tmp_path_factory):
    """A churn trace in the object form of format 1 (the text the edits below change)."""
    p = tmp_path_factory.mktemp("stream_v1") / "churn.jsonl"
    workloads.generate("churn", 1500, 3, p, version=1)
    return p




@pytest.mark.parametrize("kind", list(workloads.KINDS))
def test_fast_path_equals_line_by_line(kind, workload_traces, monkeypatch):
    path = workload_traces[kind]
    slow = _slow(monkeypatch, path)
    taken = _taken(monkeypatch)
    fast = trace.decode(path)
    # all but the header, the adapter and the kinds the fast path leaves to the checker
    # (a line that defines two objects; Update's operation records)
    by_line = {s.op: s.fast for s in SPECS.values()}
    line_by_line = sum(not by_line.get(c, True) for c in slow.ops["code"].tolist())
    assert sum(taken) >= slow.lines - 4 - line_by_line
    assert _canonical(fast) == _canonical(slow)


def test_fast_path_equals_line_by_line_on_random_programs(tmp_path, monkeypatch):
    rng = np.random.default_rng(7)
    path = tmp_path / "prog.jsonl"
    with dxgk.record(path):
        prog = Program()
        prog.run([tuple(int(x) for x in row) for row in rng.integers(0, 1000, (600, 4))])
    prog.adapter.close()
    assert _canonical(trace.decode(path)) == _canonical(_slow(monkeypatch, path))
    with trace.replay(path, check=True) as r:
        assert r.mismatch_total == 0


def _edit(lines: list[str], pred, fn, count: int = 3) -> list[str]:
    """`fn` applied to the first `count` lines (after line 10) for which `pred` holds."""
    out, done = [], 0
    for i, s in enumerate(lines):
        if i > 10 and done < count and pred(json.loads(s)):
            s = fn(s)
            done += 1
        out.append(s)
    assert done == count
    return out


# forms the recorder never writes, but a trace may use: the fast path refuses them and
# the line checker decodes them -- to the same ops as the recorder's form where they mean
# the same thing
OTHER_FORMS = [
    ("hex-integer", lambda o: o.get("call") == "DxgkCbMapContextAllocation",
     lambda s: s.replace('"OffsetInPages":0', '"OffsetInPages":"0x0"', 1)),
    ("integer-status", lambda o: o.get("call") == "DxgkCbDestroyContextAllocation",
     lambda s: s.replace('"STATUS_SUCCESS"', "0", 1)),
    ("no-result", lambda o: o.get("call") == "DxgkCbMapContextAllocation",
     lambda s: s[:s.index(',"result"')] + "}"),
    ("spaces", lambda o: o.get("call") == "DxgkCbCreateContextAllocation",
     lambda s: json.dumps(json.loads(s))),
    ("raw-handle", lambda o: o.get("call") == "DxgkCbDestroyContextAllocation",
     lambda s: re.sub(r'"hAllocation":"H\d+"', '"hAllocation":12345', s, count=1)),
    ("blank-lines", lambda o: True, lambda s: s + "\n\n"),
]


@pytest.mark.parametrize("form", OTHER_FORMS, ids=[f[0] for f in OTHER_FORMS])
def test_other_forms_decode_line_by_line(form, v1_churn, tmp_path, monkeypatch):
    _, pred, fn = form
    lines = v1_churn.read_text().splitlines()
    path = tmp_path / "other.jsonl"
    path.write_text("\n".join(_edit(lines, pred, fn)) + "\n")
    fast = trace.decode(path)
    assert _canonical(fast) == _canonical(_slow(monkeypatch, path))
    with trace.replay(fast, check=True) as r:
        if form[0] == "raw-handle":   # a value the trace never named names no object
            first = r.mismatches[0]
            assert first.op == "DxgkCbDestroyContextAllocation"
            assert first.got_status == dxgk.STATUS_INVALID_HANDLE
        else:                         # the same results as recorded
            assert r.mismatch_total == 0, [str(m) for m in r.mismatches[:3]]


def test_small_chunks_decode_as_one(workload_traces, monkeypatch):
    path = workload_traces["processes"]
    whole = _canonical(trace.decode(path))
    monkeypatch.setattr(decoder, "CHUNK_BYTES", 300)       # a few lines a chunk
    taken = _taken(monkeypatch)
    assert _canonical(trace.decode(path)) == whole
    assert len(taken) > 100                                # many runs, each at once
    assert main(["replay", str(path), "--check"]) == 0


@pytest.mark.parametrize("where", ["fast-form", "bad-json"])
def test_an_error_in_a_later_chunk_runs_nothing(where, v1_churn, tmp_path, capsys,
                                                monkeypatch, no_execution):
    lines = v1_churn.read_text().splitlines()
    bad = len(lines) - 40                                  # far past the first chunks
    assert json.loads(lines[bad]).get("call")
    if where == "fast-form":          # valid JSON in the recorder's form, a name undefined
        lines[bad] = lines[bad].replace('"A0"', '"A9"', 1)
        message = "handle 'A9' is not defined by any earlier line"
    else:
        lines[bad] = lines[bad][:-1] + ",{"
        message = "bad JSON"
    path = tmp_path / "late.jsonl"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(decoder, "CHUNK_BYTES", 4096)
    assert main(["replay", str(path), "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dxgk replay: {path}:{bad + 1}: ") and message in err, err
    assert no_execution == []
    with pytest.raises(trace.TraceError) as e:
        trace.replay(path)
    assert e.value.line == bad + 1


def test_a_truncated_last_line_in_a_later_chunk(workload_traces, tmp_path, capsys,
                                                monkeypatch, no_execution):
    text = workload_traces["churn"].read_text()
    path = tmp_path / "cut.jsonl"
    path.write_text(text[:len(text) - 100])
    n = text[:len(text) - 100].count("\n") + 1
    monkeypatch.setattr(decoder, "CHUNK_BYTES", 4096)
    assert main(["replay", str(path)]) == 2
    assert f"{path}:{n}: truncated line" in capsys.readouterr().err
    assert no_execution == []


# ---- compressed traces ------------------------------------------------------------------


def _compressors():
    out = [pytest.param(".jsonl.gz", b"\x1f\x8b", id="gzip")]
    try:
        import zstandard  # noqa: F401
        out.append(pytest.param(".jsonl.zst", b"\x28\xb5\x2f\xfd", id="zstd"))
    except ImportError:
        out.append(pytest.param(".jsonl.zst", b"", id="zstd", marks=pytest.mark.skip(
            reason="zstandard is not installed")))
    return out


@pytest.mark.parametrize("ext, magic", _compressors())
def test_compressed_traces_record_and_replay_by_name(ext, magic, tmp_path, capsys,
                                                     monkeypatch):
    plain, packed = tmp_path / "t.jsonl", tmp_path / f"t{ext}"
    workloads.generate("processes", 800, 2, plain)
    workloads.generate("processes", 800, 2, packed)        # through dxgk.record(path)
    raw = packed.read_bytes()
    assert raw.startswith(magic) and len(raw) < plain.stat().st_size / 3
    assert _canonical(trace.decode(packed))[1:] == _canonical(trace.decode(plain))[1:]
    monkeypatch.setattr(decoder, "CHUNK_BYTES", 2048)
    assert _canonical(trace.decode(packed))[1:] == _canonical(trace.decode(plain))[1:]
    assert main(["replay", str(packed), "--check"]) == 0
    assert "every result as recorded" in capsys.readouterr().out
    lines = list(trace.iter_lines(packed))
    assert lines == list(trace.iter_lines(plain))
    again = tmp_path / f"again{ext}"
    trace.write_lines(again, lines)
    assert again.read_bytes().startswith(magic)
    assert list(trace.iter_lines(again)) == lines


@pytest.mark.parametrize("ext, magic", _compressors())
def test_a_damaged_compressed_trace_is_an_error(ext, magic, tmp_path, capsys, no_execution):
    packed = tmp_path / f"t{ext}"
    workloads.generate("churn", 3000, 2, packed)
    raw = packed.read_bytes()
    packed.write_bytes(raw[:len(raw) // 2])                  # cut short
    assert main(["replay", str(packed)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dxgk replay: ") and str(packed) in err, err
    assert "Traceback" not in err
    assert no_execution == []
    garbage = tmp_path / f"g{ext}"
    garbage.write_bytes(os.urandom(2000))
    assert main(["replay", str(garbage)]) == 2
    assert str(garbage) in capsys.readouterr().err


def test_gzip_is_read_whatever_wrote_it(tmp_path):
    plain = tmp_path / "t.jsonl"
    workloads.generate("fixed-range", 300, 4, plain)
    other = tmp_path / "t.jsonl.gz"
    with gzip.open(other, "wb", compresslevel=1) as f:
        f.write(plain.read_bytes())
    assert _canonical(trace.decode(other))[1:] == _canonical(trace.decode(plain))[1:]
