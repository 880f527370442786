"""Malformed traces are reported with the line number, and nothing is executed: the
whole file is decoded and checked before the first call runs (so in particular nothing
after the bad line runs)."""

from __future__ import annotations

import json
import re

import pytest

from dxgk import trace
from dxgk.bench import workloads
from dxgk.cli import main

BAD_LINE = 12          # the line (1-based) each case breaks: well inside the trace


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("malformed") / "good.jsonl"
    workloads.generate("processes", 60, 5, path, version=1)     # the object form
    return path.read_text().splitlines()


def _line_of(lines, pred):
    return next(i for i in range(BAD_LINE - 1, len(lines)) if pred(json.loads(lines[i])))


def _sub(text, old, new):
    assert old in text, (old, text)
    return text.replace(old, new, 1)


def _call(name):
    return lambda o: o.get("call") == name


# (id, which line to break, how, expected message fragment)
CASES = [
    ("bad-json", lambda o: True, lambda s: s[:-1] + ",", "bad JSON"),
    ("not-an-object", lambda o: True, lambda s: "[" + s + "]", "must be a JSON object"),
    ("unknown-callback", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, "DxgkCbMapContextAllocation", "DxgkCbMapContextAlloc"),
     "unknown callback \"DxgkCbMapContextAlloc\" (did you mean 'DxgkCbMapContextAllocation'?)"),
    ("unknown-event", lambda o: o.get("event") == "device_create",
     lambda s: _sub(s, "device_create", "device_make"), "unknown event \"device_make\""),
    ("no-call-or-event", lambda o: True,
     lambda s: _sub(s, '"call":', '"cal":') if '"call":' in s else _sub(s, '"event":', '"evnt":'),
     "needs \"call\""),
    ("unknown-field", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, '"hAdapter"', '"hAdaptr"'), "unknown field 'hAdaptr'"),
    ("unknown-args-field", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, '"SizeInPages"', '"SizeInPage"'),
     ("unknown field 'args.SizeInPage': DXGKARGCB_MAPCONTEXTALLOCATION has no member "
      "'SizeInPage' (did you mean 'SizeInPages'?)")),
    ("unknown-result-field", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, '"va":', '"VA":'), "unknown field 'result.VA'"),
    ("missing-field", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, '"hAdapter":"A0",', ""), "missing field 'hAdapter'"),
    ("bad-handle-name", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, '"hAdapter":"A0"', '"hAdapter":"Adapter0"'),
     "hAdapter: bad handle name \"Adapter0\""),
    ("undefined-handle", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, '"hAdapter":"A0"', '"hAdapter":"A7"'),
     "hAdapter: handle 'A7' is not defined by any earlier line"),
    ("wrong-kind-definition", _call("DxgkCbCreateContextAllocation"),
     lambda s: s.replace('"hAllocation":"H', '"hAllocation":"D'),
     "bad handle name"),
    ("redefinition", lambda o: o.get("call") == "DxgkCbCreateContextAllocation"
     and o["result"]["hAllocation"] not in (None, "H0"),
     lambda s: re.sub(r'"hAllocation":"H\d+","va"', '"hAllocation":"H0","va"', s),
     "result.hAllocation: 'H0' is already defined (line "),
    ("too-big", _call("DxgkCbMapContextAllocation"),
     lambda s: re.sub(r'"SizeInPages":\d+', '"SizeInPages":' + "1" + "0" * 20, s),
     "args.SizeInPages = 100000000000000000000 does not fit 64 bits"),
    ("not-a-number", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, '"OffsetInPages":0', '"OffsetInPages":"zero"'),
     "args.OffsetInPages must be an unsigned integer"),
    ("bad-status", _call("DxgkCbMapContextAllocation"),
     lambda s: _sub(s, '"STATUS_', '"STATUS_WHATEVER_'), "result.status must be a STATUS_"),
]


def _write(tmp_path, lines):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return str(path)




@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_malformed_line_is_reported_and_nothing_runs(case, good, tmp_path, capsys,
                                                    no_execution):
    _, pick, breaker, message = case
    lines = list(good)
    i = _line_of(lines, pick)
    lines[i] = breaker(lines[i])
    path = _write(tmp_path, lines)
    assert main(["replay", path, "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dxgk replay: {path}:{i + 1}: "), err
    assert message in err, err
    assert no_execution == []
    with pytest.raises(trace.TraceError) as e:
        trace.replay(path)
    assert e.value.line == i + 1


def test_truncated_last_line(good, tmp_path, capsys, no_execution):
    lines = good[:BAD_LINE]
    path = tmp_path / "cut.jsonl"
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2])
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{BAD_LINE}: truncated line" in err
    assert no_execution == []


def test_a_complete_last_line_without_newline_is_fine(good, tmp_path, capsys):
    path = tmp_path / "nonl.jsonl"
    path.write_text("\n".join(good[:BAD_LINE]))
    assert main(["replay", str(path), "--check"]) == 0


@pytest.mark.parametrize("first, message", [
    ("", "empty"),
    ('{"format": "something-else", "version": 1}', "not a dxgk trace"),
    ('{"format": "dxgk-trace", "version": 99}', "unsupported trace version 99"),
    ('{"call": "DxgkCbMapContextAllocation"}', "not a dxgk trace"),
])
def test_bad_header(first, message, good, tmp_path, capsys, no_execution):
    path = tmp_path / "hdr.jsonl"
    path.write_text(first + ("\n" + "\n".join(good[1:]) if first else ""))
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: " in err and message in err
    assert no_execution == []


def test_private_data_must_match_its_size(good, tmp_path, capsys, no_execution):
    lines = good[:BAD_LINE]
    lines.append(json.dumps({
        "call": "DxgkCbUpdateContextAllocation", "hAdapter": "A0",
        "args": {"hAllocation": None, "pPrivateDriverData": "0102",
                 "PrivateDriverDataSize": 3}}))
    path = _write(tmp_path, lines)
    assert main(["replay", path]) == 2
    assert f"{path}:{BAD_LINE + 1}: args.pPrivateDriverData holds 2 bytes but " \
           f"PrivateDriverDataSize is 3" in capsys.readouterr().err


def test_missing_file(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "nope.jsonl")]) == 2
    assert "No such file" in capsys.readouterr().err
