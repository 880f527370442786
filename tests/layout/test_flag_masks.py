"""Flag-word masks (dxgk.layout.flag_masks / bit_mask, and the DXGK_MASK_* macros of the
generated C header) agree with the ctypes structs: setting one bitfield to all ones sets
exactly its mask in Value."""

from __future__ import annotations

import pytest

from dxgk import structs
from dxgk.layout import bit_mask, flag_masks
from dxgk.layout.asserts import asserts_header_text

MASKS = flag_masks()


def test_the_flag_words_the_core_uses_are_found():
    for record in ("D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE", "DXGK_ALLOCATIONINFOFLAGS",
                   "DXGK_CREATECONTEXTALLOCATIONFLAGS"):
        assert record in MASKS


@pytest.mark.parametrize("record", sorted(MASKS))
def test_each_mask_is_the_bitfield_in_value(record):
    cls = getattr(structs, record)
    union = 0
    for field, mask in MASKS[record].items():
        s = cls()
        width = bin(mask).count("1")
        setattr(s, field, (1 << width) - 1)
        assert s.Value == mask, (record, field)
        assert union & mask == 0, f"{record}.{field} overlaps another bitfield"
        union |= mask


def test_bit_mask_ors_and_names_unknowns():
    prot = "D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE"
    assert bit_mask(prot, "Write", "Execute") == 3
    assert bit_mask(prot) == 0
    with pytest.raises(KeyError, match="NoSuchBit"):
        bit_mask(prot, "NoSuchBit")
    with pytest.raises(KeyError, match="not a flag word"):
        bit_mask("DXGK_PTE", "Valid")


def test_the_c_header_carries_the_same_masks():
    text = asserts_header_text("x64")
    for record, fields in MASKS.items():
        for field, mask in fields.items():
            assert f"#define DXGK_MASK_{record}_{field} UINT64_C({mask:#x})" in text
