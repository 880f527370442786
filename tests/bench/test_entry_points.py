"""The bench room's entry points as the CLI calls them."""

from __future__ import annotations

import pytest

from dxgk import cli
from dxgk.bench import workloads


def test_gen_trace_offers_exactly_the_workloads_there_are():
    # the CLI names the kinds itself so that `--help` imports no workload code
    assert tuple(workloads.KINDS) == cli.GEN_TRACE_KINDS


def test_gen_trace_writes_the_file_and_says_so(tmp_path, capsys):
    out = tmp_path / "t.jsonl"
    assert cli.main(["gen-trace", "churn", "--calls", "50", "--seed", "3", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    lines = out.read_text().splitlines()
    assert err.startswith(f"wrote {out}: ") and f"{len(lines)} lines" in err
    assert lines[0].startswith('{"format":"dxgk-trace"')


@pytest.mark.parametrize("argv, message", [
    (["--calls", "0"], "dxgk gen-trace: --calls must be at least 1, got 0"),
    (["--calls", "5", "--live", "-3"], "dxgk gen-trace: --live must be at least 1, got -3"),
    (["--calls", "5", "-o", "{tmp}/missing/dir/t.jsonl"],
     "dxgk gen-trace: cannot write '{tmp}/missing/dir/t.jsonl': No such file or directory"),
    (["--calls", "5", "-o", "{tmp}"], "dxgk gen-trace: cannot write '{tmp}': it is a directory"),
])
def test_gen_trace_bad_arguments_are_one_line_and_exit_2(argv, message, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert cli.main(["gen-trace", "churn", "--seed", "1", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [message.replace("{tmp}", str(tmp_path))]
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []
