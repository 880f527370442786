"""`python -m dxgk replay FILE --check`: a hand-edited result is caught -- exit status 1,
the line number and both results -- and every differing line is reported, in order."""

from __future__ import annotations

import json

import pytest

from dxgk import trace
from dxgk.bench import workloads
from dxgk.cli import main


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "run.jsonl"
    workloads.generate("fixed-range", 400, 11, path)
    return list(trace.iter_lines(path))          # compact lines in their object form


def _first(lines, pred, start=1):
    return next(i for i in range(start, len(lines)) if pred(lines[i]))


def _edited(tmp_path, lines, edits):
    out = [json.loads(json.dumps(x)) for x in lines]
    for i, fn in edits:
        fn(out[i])
    path = tmp_path / "edited.jsonl"
    trace.write_lines(path, out)
    return str(path)


def _ok_map(o):
    return o.get("call") == "DxgkCbMapContextAllocation" and o["result"]["va"] != 0


def test_an_unedited_trace_checks_clean(tmp_path, recorded, capsys):
    path = _edited(tmp_path, recorded, [])
    assert main(["replay", path, "--check"]) == 0
    out = capsys.readouterr().out
    assert "every result as recorded" in out


def test_a_wrong_va_is_reported_with_its_line_and_both_results(tmp_path, recorded, capsys):
    i = _first(recorded, _ok_map)
    va = recorded[i]["result"]["va"]

    def edit(o):
        o["result"]["va"] = va + 0x10000
    path = _edited(tmp_path, recorded, [(i, edit)])
    assert main(["replay", path, "--check"]) == 1
    out = capsys.readouterr().out.splitlines()
    line_no = i + 1                                     # file lines are 1-based
    assert out[0] == (f"{path}:{line_no}: DxgkCbMapContextAllocation: recorded "
                      f"va={va + 0x10000:#x} STATUS_SUCCESS, replayed va={va:#x} STATUS_SUCCESS")
    assert "1 result(s) differ" in out[-1]


def test_a_wrong_status_is_reported(tmp_path, recorded, capsys):
    i = _first(recorded, lambda o: o.get("call") == "DxgkCbMapContextAllocation"
               and o["result"]["status"] == "STATUS_CONFLICTING_ADDRESSES")

    def edit(o):
        o["result"]["status"] = "STATUS_SUCCESS"
        o["result"]["va"] = 0x10000
    path = _edited(tmp_path, recorded, [(i, edit)])
    assert main(["replay", path, "--check"]) == 1
    out = capsys.readouterr().out
    assert (f"{path}:{i + 1}: DxgkCbMapContextAllocation: recorded va=0x10000 STATUS_SUCCESS, "
            f"replayed va=0x0 STATUS_CONFLICTING_ADDRESSES") in out


def test_every_differing_line_is_reported_in_order(tmp_path, recorded, capsys):
    i = _first(recorded, _ok_map)
    j = _first(recorded, lambda o: o.get("event") == "device_create")
    k = _first(recorded, lambda o: o.get("call") == "DxgkCbDestroyContextAllocation")

    def bump(o):
        o["result"]["va"] += 4096

    def fail(o):
        o["result"]["status"] = "STATUS_NO_MEMORY"

    def hexcode(o):
        o["result"]["status"] = "0xC0000008"
    path = _edited(tmp_path, recorded, [(i, bump), (j, fail), (k, hexcode)])
    assert main(["replay", path, "--check", "--engine", "c"]) == 1
    reported = [int(x.split(":")[1]) for x in capsys.readouterr().out.splitlines()
                if x.startswith(path + ":")]
    assert reported == sorted([i + 1, j + 1, k + 1])
    # the Python reference executor finds the same lines
    assert main(["replay", path, "--check", "--engine", "python"]) == 1
    again = [int(x.split(":")[1]) for x in capsys.readouterr().out.splitlines()
             if x.startswith(path + ":")]
    assert again == reported


def test_without_check_differences_do_not_fail_the_run(tmp_path, recorded, capsys):
    i = _first(recorded, _ok_map)

    def edit(o):
        o["result"]["va"] = 1
    path = _edited(tmp_path, recorded, [(i, edit)])
    assert main(["replay", path]) == 0
    assert "differ" not in capsys.readouterr().out


def test_json_summary(tmp_path, recorded, capsys):
    i = _first(recorded, _ok_map)

    def edit(o):
        o["result"]["va"] = 0x7000
    path = _edited(tmp_path, recorded, [(i, edit)])
    assert main(["replay", path, "--check", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["mismatches"] == 1 and doc["checked"] is True
    d = doc["differences"][0]
    assert d["line"] == i + 1 and d["recorded"]["value"] == 0x7000
    assert d["replayed"]["status"] == "STATUS_SUCCESS"


def test_api_reports_the_same(tmp_path, recorded):
    i = _first(recorded, _ok_map)
    va = recorded[i]["result"]["va"]

    def edit(o):
        o["result"]["va"] = va + 4096
    r = trace.replay(_edited(tmp_path, recorded, [(i, edit)]), check=True)
    assert [(m.line, m.expected_value, m.got_value) for m in r.mismatches] == \
        [(i + 1, va + 4096, va)]
    assert "recorded va=" in str(r.mismatches[0]) and f"line {i + 1}" in str(r.mismatches[0])
