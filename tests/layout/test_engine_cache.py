"""The layout engine's public face: the committed cache, layout_of, the static asserts."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import dxgk
from dxgk.layout import (ABI_NAMES, CACHE_FILE, HEADERS_DIR, build_cache, compute_layouts,
                         host_abi, layout_of)
from dxgk.layout.asserts import asserts_header_text


def test_committed_cache_matches_the_headers():
    fresh = json.dumps(build_cache(), indent=1) + "\n"
    assert CACHE_FILE.read_text() == fresh, "layouts.json is stale: run `make layouts`"


def test_issue_example_x86_mapcontextallocation():
    lay = dxgk.layout_of("DXGKARGCB_MAPCONTEXTALLOCATION", abi="x86")
    assert lay.size == 64
    h = lay.field("hAllocation")
    assert (h.offset, h.size_bits) == (24, 32)
    assert lay.field("OffsetInPages").offset == 32


@pytest.mark.parametrize("abi", ABI_NAMES)
def test_pte_is_16_bytes_with_spec_bitfields(abi):
    lay = layout_of("DXGK_PTE", abi)
    assert lay.size == 16
    bits = {f.name: (f.offset_bits, f.size_bits) for f in lay.fields}
    assert bits["Valid"] == (0, 1)
    assert bits["Segment"] == (5, 5)
    assert bits["PageTablePageSize"] == (17, 2)
    assert bits["PageAddress"] == (64, 64)


def test_layout_of_unknown_name_lists_close_matches():
    with pytest.raises(KeyError, match="DXGK_PTE"):
        layout_of("DXGK_PTF")


def test_layout_of_with_defines_recomputes():
    lay = layout_of("DXGKRNL_INTERFACE", "x64")
    old = layout_of("DXGKRNL_INTERFACE", "x64",
                    defines={"DXGKDDI_INTERFACE_VERSION": "DXGKDDI_INTERFACE_VERSION_WIN8"})
    assert old.size < lay.size
    names = {f.name for f in old.fields}
    assert "DxgkCbCreateContextAllocation" in names
    assert "DxgkCbMapContextAllocation" not in names


def test_static_asserts_were_compiled_into_the_core():
    from dxgk import _core

    text = asserts_header_text(host_abi())
    assert _core.lib.DXGK_LAYOUT_ASSERT_COUNT == text.count("_Static_assert(")
    assert _core.lib.DXGK_LAYOUT_ASSERT_COUNT > 250  # 28 structs: sizes, aligns, offsets


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_a_wrong_layout_breaks_the_build(tmp_path):
    good = asserts_header_text(host_abi())
    bad = good.replace("offsetof(DXGKARGCB_MAPCONTEXTALLOCATION, hAllocation) == 24",
                       "offsetof(DXGKARGCB_MAPCONTEXTALLOCATION, hAllocation) == 28")
    assert bad != good
    for text, ok in ((good, True), (bad, False)):
        (tmp_path / "a.h").write_text(text)
        (tmp_path / "a.c").write_text('#include "a.h"\nint main(void) { return 0; }\n')
        r = subprocess.run(["cc", "-std=gnu11", "-fsyntax-only", f"-I{HEADERS_DIR}",
                            f"-I{tmp_path}", str(tmp_path / "a.c")], capture_output=True, text=True)
        assert (r.returncode == 0) == ok, r.stderr
    assert "hAllocation" in r.stderr


def test_engine_and_cache_agree_for_every_abi():
    for abi in ABI_NAMES:
        recs = compute_layouts(abi)
        for name, rec in recs.items():
            assert layout_of(name, abi).to_json() == rec.to_json()
