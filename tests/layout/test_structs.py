"""dxgk.structs: every ctypes class agrees with the layout engine, byte for byte."""

from __future__ import annotations

import ctypes

import pytest

from dxgk import structs
from dxgk.layout import ABI_NAMES, cached_layouts, host_abi

CASES = [(abi, name) for abi in ABI_NAMES for name in cached_layouts(abi)]


def _resolve(obj, path):
    parts = path.split(".")
    for p in parts[:-1]:
        obj = getattr(obj, p)
    return obj, parts[-1]


def _max_for(cur, width):
    return (1 << width) - 1


@pytest.mark.parametrize("abi,name", CASES, ids=[f"{a}-{n}" for a, n in CASES])
def test_class_matches_engine_on_every_field(abi, name):
    lay = cached_layouts(abi)[name]
    cls = getattr(structs.namespace(abi), name)
    assert ctypes.sizeof(cls) == lay["size"]
    # a typedef of another typedef (DXGK_SEGMENTPREFERENCE) is the very same class
    assert cls.__name__ == lay.get("alias_of", name)
    for f in lay["fields"]:
        obj = cls()
        owner, attr = _resolve(obj, f["name"])
        value = getattr(owner, attr)
        width = f["size_bits"]
        if isinstance(value, int):
            try:
                setattr(owner, attr, (1 << width) - 1)
            except (ValueError, OverflowError, TypeError):
                setattr(owner, attr, -1)    # signed members: all ones is -1
        elif isinstance(value, ctypes.Array) and isinstance(value[0], int):
            elem_bits = width // len(value)
            for i in range(len(value)):
                try:
                    value[i] = (1 << elem_bits) - 1
                except (ValueError, OverflowError, TypeError):
                    value[i] = -1
        else:
            # a record or an array of records: its own members are checked one by one;
            # here check that it is a view at the right place by filling its bytes.
            ctypes.memset(ctypes.addressof(value), 0xFF, ctypes.sizeof(value))
        got = int.from_bytes(bytes(obj), "little")
        want = ((1 << width) - 1) << f["offset_bits"]
        assert got == want, f"{abi} {name}.{f['name']}: bytes {got:#x} != expected {want:#x}"


def test_host_namespace_is_the_host_64bit_abi():
    assert host_abi() in ("x64", "arm64")
    assert structs.DXGK_PTE is structs.namespace(host_abi()).DXGK_PTE


def test_keyword_construction_and_nested_bitfield_access():
    a = structs.x64.DXGKARGCB_MAPCONTEXTALLOCATION(
        BaseAddress=0x10000, hAllocation=0x1234, SizeInPages=16, Protection={"Write": 1})
    a.Protection.Execute = 1
    a.Protection.NoAccess = 1
    raw = bytes(a)
    assert len(raw) == 64
    assert int.from_bytes(raw[0:8], "little") == 0x10000
    assert int.from_bytes(raw[24:32], "little") == 0x1234
    assert int.from_bytes(raw[40:48], "little") == 16
    assert int.from_bytes(raw[48:56], "little") == 0b1011
    assert a.Protection.Value == 0b1011


def test_from_buffer_copy_round_trip_x86():
    cls = structs.x86.DXGKARGCB_MAPCONTEXTALLOCATION
    src = cls(MinimumAddress=1 << 40, hAllocation=0xDEADBEEF, OffsetInPages=7, DriverProtection=9)
    again = cls.from_buffer_copy(bytes(src))
    assert again == src
    assert again.hAllocation == 0xDEADBEEF
    assert bytes(again)[24:28] == (0xDEADBEEF).to_bytes(4, "little")


def test_bitfield_rejects_out_of_range_values():
    p = structs.x64.DXGK_PTE()
    with pytest.raises(ValueError, match="Segment"):
        p.Segment = 32          # a 5-bit field
    p.Segment = 31
    assert p.Segment == 31


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="no member 'Bogus'"):
        structs.x64.DXGK_PTE(Bogus=1)
    with pytest.raises(TypeError, match="keyword"):
        structs.x64.DXGK_PTE(1)


def test_unknown_struct_is_an_attribute_error():
    with pytest.raises(AttributeError):
        structs.NOT_A_STRUCT  # noqa: B018
    with pytest.raises(ValueError, match="unknown ABI"):
        structs.namespace("mips")


def test_to_dict_and_repr_name_members():
    p = structs.x64.DXGK_PTE(Valid=1, PageAddress=0x5000)
    d = p.to_dict()
    assert d["Valid"] == 1 and d["PageAddress"] == 0x5000
    assert repr(p).startswith("DXGK_PTE(")
