"""The bench room's entry points as the CLI calls them."""

from __future__ import annotations

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
