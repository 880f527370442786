"""The command line: gen-trace, replay, bench --quick (a smoke test: no timing is
asserted), plot-vaspace (only when matplotlib is installed) and tools/bench.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dxgk import trace
from dxgk.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    """The environment for a child `python`: this checkout importable, after whatever
    PYTHONPATH already says (a sanitizer build, for one, must stay first)."""
    path = [p for p in (os.environ.get("PYTHONPATH"), str(ROOT)) if p]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(path))


def test_gen_trace_then_replay_check(tmp_path, capsys):
    out = tmp_path / "g.jsonl"
    assert main(["gen-trace", "mixed-pages", "--calls", "300", "--seed", "4", "-o",
                 str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    assert main(["replay", str(out), "--check"]) == 0
    assert "every result as recorded" in capsys.readouterr().out


def test_gen_trace_to_stdout_is_the_same_trace(tmp_path, capsys):
    out = tmp_path / "f.jsonl"
    assert main(["gen-trace", "churn", "--calls", "200", "--seed", "9", "--live", "30",
                 "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["gen-trace", "churn", "--calls", "200", "--seed", "9", "--live", "30"]) == 0
    assert capsys.readouterr().out == out.read_text()


def test_gen_trace_rejects_unknown_kinds(capsys):
    with pytest.raises(SystemExit):
        main(["gen-trace", "nonsense", "--calls", "10", "--seed", "1"])
    assert "invalid choice" in capsys.readouterr().err


def test_bench_quick_smoke():
    p = subprocess.run([sys.executable, "-m", "dxgk", "bench", "--quick", "--json"],
                       capture_output=True, text=True, env=_env(), timeout=300, cwd=ROOT,
                       check=False)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    assert res["quick"] is True
    assert res["machine"]["cpu"] and res["machine"]["cores"] >= 1
    assert set(res["machine"]["load_latency_ns"]) == {"64 KiB", "64 MiB"}
    assert all(v > 0 for v in res["machine"]["load_latency_ns"].values())
    assert res["versions"]["dxgk"] and res["versions"]["python"]
    assert {(r["workload"], r["live"]) for r in res["allocator"]} >= {
        ("random", 1000), ("fixed", 1000), ("window", 1000)}
    assert all(r["consistent"] for r in res["allocator"])
    al = res["allocator_aligned"]
    assert {(r["order"], r["live"]) for r in al["rows"]} == {
        (k, n) for k in (0, 12, 20, 30, 40) for n in (1000, 100_000)}
    assert all(r["consistent"] for r in al["rows"])
    med = {(r["order"], r["live"]): r["ns_per_op"]["median"] for r in al["rows"]}
    assert [x["order"] for x in al["ratios"]] == [12, 20, 30, 40]
    assert all(x["vs_unaligned"] == med[(x["order"], 100_000)] / med[(0, 100_000)]
               for x in al["ratios"])
    assert len(res["page_tables"]["map"]) == 8
    for k in ("noop_cffi", "raw_cffi_map", "facade_ctypes", "facade_bytearray"):
        s = res["facade"][k]
        assert s["min"] <= s["median"] <= s["max"] and s["n"] >= 3
    assert res["facade"]["ratio_ctypes_vs_noop"] > 0
    assert [r["workload"] for r in res["replay"]] == ["churn", "fixed-range", "mixed-pages",
                                                      "processes", "tiled"]
    assert all(r["mismatches"] == 0 and r["calls_per_second"]["median"] > 0
               for r in res["replay"])
    for r in res["replay"]:           # decoding and the whole replay from the file
        assert r["decode_lines_per_second"]["median"] > 0
        e2e = r["end_to_end_calls_per_second"]
        assert 0 < e2e["min"] <= e2e["median"] <= e2e["max"]
        assert r["end_to_end_vs_engine"]["min"] >= 1       # it includes the engine's run
    assert set(res["summary"]["replay_end_to_end_calls_per_second"]) == set(
        res["summary"]["decode_lines_per_second"]) == {r["workload"] for r in res["replay"]}
    per_gib = {r["case"]: r["table_bytes_per_mapped_gib"] for r in res["pt_memory"]}
    # exact, not timed: 512 leaf tables of 4 KiB per GiB of 4 KB pages, plus the levels above
    assert per_gib["1 GiB packed, 4 KB pages"] == (512 + 1 + 1 + 1) * 4096
    assert set(res["summary"]) >= {"facade_ctypes_vs_noop", "replay_calls_per_second",
                                   "allocator_ns_per_op", "allocator_aligned_worst_ratios",
                                   "pt_bytes_per_mapped_gib"}


def test_tools_bench_is_the_same_harness():
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "bench.py"), "--help"],
                       capture_output=True, text=True, env=_env(), timeout=60, check=False)
    assert p.returncode == 0 and "--quick" in p.stdout and "--json" in p.stdout


def test_plot_without_matplotlib_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    path = tmp_path / "p.jsonl"
    assert main(["gen-trace", "processes", "--calls", "50", "--seed", "1", "-o",
                 str(path)]) == 0
    monkeypatch.setitem(sys.modules, "matplotlib", None)     # import fails
    assert main(["plot-vaspace", str(path), "-o", str(tmp_path / "x.png")]) == 2
    assert "pip install 'dxgk[plot]'" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_plot_vaspace(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "p.jsonl"
    assert main(["gen-trace", "processes", "--calls", "300", "--seed", "2", "-o",
                 str(path)]) == 0
    png = tmp_path / "va.png"
    assert main(["plot-vaspace", str(path), "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "reservations" in capsys.readouterr().out
    from dxgk.trace.plot import plot_vaspace
    info = plot_vaspace(path, tmp_path / "p1.png", process="P1", line=40)
    assert info["process"] == "P1" and info["mappings"] + info["reservations"] > 0
    assert len(info["occupancy"]) == 4 and all(0 <= o <= 100 for o in info["occupancy"])
    with pytest.raises(ValueError, match="no process 'P9999'"):
        plot_vaspace(path, tmp_path / "p2.png", process="P9999")


def test_progress_bar_appears_only_after_a_second():
    import io
    s = io.StringIO()
    bar = trace._Progress("replaying", 100, enabled=True, stream=s, delay=0.0)
    bar.update(50)
    bar.close()
    assert "replaying [" in s.getvalue() and "50/100" in s.getvalue()
    s2 = io.StringIO()
    bar = trace._Progress("replaying", 100, enabled=True, stream=s2, delay=3600)
    bar.update(50)
    bar.close()
    assert s2.getvalue() == ""
