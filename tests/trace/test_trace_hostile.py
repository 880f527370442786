"""Hostile traces (issue 16 item 4, issue 15 item 11): JSON nested past the interpreter's
recursion limit, a header whose "abi" is not an ABI name, bytes that are not UTF-8. Each
is FILE:LINE and what is wrong, exit 2, in ``replay``, ``replay --json``, ``plot-vaspace``
and the Python API (:class:`dxgk.trace.TraceError`, a ValueError) -- never a traceback,
never the "results differ" exit 1, nothing executed."""

from __future__ import annotations

import os

import pytest

from dxgk import trace
from dxgk.bench import workloads
from dxgk.cli import main

DEEP = 3000                 # past the default recursion limit (1000)


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "good.jsonl"
    workloads.generate("processes", 40, 5, path)
    return path.read_bytes().splitlines(keepends=True)


HEADER = b'{"format":"dxgk-trace","version":1'

# (id, lines to put in place of line N (None: keep the good line), N, message fragment)
CASES = [
    ("deep-line", b"[" * DEEP + b"]" * DEEP + b"\n", 12, "nested too deeply"),
    ("deep-in-args", b'{"call":"DxgkCbMapContextAllocation","hAdapter":"A0","args":'
     + b"[" * DEEP + b"]" * DEEP + b"}\n", 12, "nested too deeply"),
    ("deep-value-shown", b'{"call":"DxgkCbMapContextAllocation","hAdapter":"A0","args":'
     b'{"SizeInPages":' + b"[" * 900 + b"]" * 900 + b"}}\n", 12,
     "args.SizeInPages must be an unsigned integer; got [[[["),
    ("deep-header", HEADER + b',"abi":' + b"[" * DEEP + b"]" * DEEP + b"}\n", 1,
     "nested too deeply"),
    ("abi-dict", HEADER + b',"abi":{"x64":1}}\n', 1,
     ('"abi" must be one of x86, x64, arm64 (the ABI the trace was recorded on); got '
      '{"x64": 1}')),
    ("abi-list", HEADER + b',"abi":["x64"]}\n', 1, '"abi" must be one of'),
    ("abi-unknown", HEADER + b',"abi":"mips"}\n', 1, 'got "mips"'),
    ("random-bytes", b"\xf3\x9c\x00\xffgarbage\x81\n", 12,
     "not UTF-8 text (byte 0xf3 at column 1)"),
    ("random-bytes-at-the-end", bytes(range(128, 256)) * 3, 12, "not UTF-8 text"),
    ("binary-header", b"\x89PNG\r\n", 1, "not UTF-8 text"),
]


def _write(tmp_path, good, bad: bytes, at: int) -> str:
    lines = list(good[:max(at, 14)])
    lines[at - 1] = bad
    if at == 12 and not bad.endswith(b"\n"):
        lines = lines[:at]                           # the last line of the file
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"".join(lines))
    return str(path)




@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("how", ["replay", "replay --json", "plot-vaspace"])
def test_hostile_trace_is_exit_2_with_file_line(case, how, good, tmp_path, capsys,
                                                no_execution):
    _, bad, at, message = case
    path = _write(tmp_path, good, bad, at)
    if how == "plot-vaspace":
        pytest.importorskip("matplotlib")
        argv = ["plot-vaspace", path, "-o", str(tmp_path / "x.png")]
    else:
        argv = how.split() + [path, "--check"]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    prog = argv[0]
    assert err.startswith(f"dxgk {prog}: {path}:{at}: "), err
    assert message in err and "Traceback" not in err, err
    assert len(err.splitlines()) == 1 and len(err) < 300, err
    assert out == ""
    assert no_execution == []
    assert not os.path.exists(tmp_path / "x.png")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_trace_from_the_python_api(case, good, tmp_path):
    _, bad, at, message = case
    path = _write(tmp_path, good, bad, at)
    for fn in (trace.decode, trace.replay):
        with pytest.raises(trace.TraceError) as e:
            fn(path)
        assert isinstance(e.value, ValueError)
        assert e.value.line == at and e.value.path == path
        assert message in str(e.value)


def test_plot_line_before_anything_exists_says_pick_a_later_line(good, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"".join(good))
    png = str(tmp_path / "x.png")
    assert main(["plot-vaspace", str(path), "-o", png, "--line", "0"]) == 2
    err = capsys.readouterr().err
    assert "--line 0: a line number of the trace is 1 or more" in err, err
    assert main(["plot-vaspace", str(path), "-o", png, "--line", "1"]) == 2
    err = capsys.readouterr().err
    assert "no process exists yet after line 1" in err and "later --line" in err, err
    assert "earlier" not in err
    t = trace.decode(path)
    late = [n for n in t.symbols_of("P")][-1]
    assert main(["plot-vaspace", str(path), "-o", png, "--line", "2", "--process", late]) == 2
    err = capsys.readouterr().err
    assert f"process {late} is created on line" in err and "later --line" in err, err
    assert not os.path.exists(png)
    assert main(["plot-vaspace", str(path), "-o", png, "--line", "2"]) == 0
