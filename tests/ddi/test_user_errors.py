"""The mistakes a Python caller makes, and what each one gets (docs/behaviour.md sections 8.6
and 8.7): an out-of-range integer is a ValueError naming the field and its range (never a
silent wrap into another, valid request, issue 16.3); a value of the wrong type or an
object of the wrong kind is a TypeError saying what was expected (issue 15.9); and a call
the DDI refuses raises a DdiError whose message names the arguments the caller set and the
rule that failed (issue 15.10). None of them leaves anything behind."""

from __future__ import annotations

import numpy as np
import pytest

import dxgk
from dxgk import explain, structs

KB, MB, GB, PAGE = 1 << 10, 1 << 20, 1 << 30, 4096
U64 = r"0\.\.0xffffffffffffffff"


@pytest.fixture
def env():
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    h = a.create_allocation(MB, d)              # 256 pages in segment 1 (64 KB pages)
    return a, p, d, c, h


def _counts(a):
    s = a.stats()
    return (s.processes, s.devices, s.contexts, s.allocations, s.mappings, s.reservations,
            a.segment(1).used_bytes, a.segment(2).used_bytes)


# ---- 16.3: out-of-range integers never wrap ----------------------------------------------------


def test_the_issues_wrapping_integers_are_value_errors_naming_the_field(env):
    a, p, d, _, h = env
    before = _counts(a)
    cases = [
        (lambda: a.create_allocation(4096, 2**64), r"create_allocation: device"),
        (lambda: a.create_allocation(2**64 + 4096, d), r"create_allocation: size \(Size\)"),
        (lambda: a.create_allocation(-4096), r"create_allocation: size \(Size\)"),
        (lambda: a.map(h, 2**64 + 1), r"map: pages \(SizeInPages\)"),
        (lambda: a.map(h, 1, base=2**64 + 0x40000000), r"map: base \(BaseAddress\)"),
        (lambda: a.map(h, 1, offset=-1), r"map: offset \(OffsetInPages\)"),
        (lambda: a.map(h, 1, minimum=2**64), r"map: minimum \(MinimumAddress\)"),
        (lambda: a.map(h, 1, maximum=-PAGE), r"map: maximum \(MaximumAddress\)"),
        (lambda: a.map(h, 1, driver_protection=2**64), r"map: driver_protection"),
        (lambda: a.map(h, 1, protection=-1), r"map: protection"),
        (lambda: p.translate(2**64), r"translate: va"),
        (lambda: p.translate(-1), r"translate: va"),
        (lambda: a.allocation(-1), r"allocation: allocation"),
        (lambda: a.create_allocation(4096, alignment=2**32), r"alignment \(Alignment\)"),
        (lambda: a.create_allocation(4096, segments=2**32 + 1), r"segments"),
        (lambda: a.create_allocation(4096, segments=[0]), r"segments\[0\]"),
        (lambda: a.create_allocation(4096, preferred=[32]), r"preferred\[0\]"),
        (lambda: a.create_allocation(4096, flags=2**32), r"flags"),
        (lambda: a.create_allocation(4096, driver_allocation=-1), r"driver_allocation"),
        (lambda: a.update_allocation(-1), r"update_allocation: allocation"),
        (lambda: a.destroy_allocation(2**64), r"destroy_allocation: allocation"),
        (lambda: a.create_allocation(4096, shared=2), r"create_allocation: shared"),
    ]
    for call, field in cases:
        with pytest.raises(ValueError, match=field + r".* must be in "):
            call()
        assert _counts(a) == before                 # nothing half-done
    with pytest.raises(ValueError, match=U64 + r" \(a 64-bit unsigned value\); got "
                                         r"0x10000000000000001"):
        a.map(h, 2**64 + 1)


def test_the_address_space_description_is_range_checked_too():
    with pytest.raises(ValueError, match=r"caps: DXGK_GPUMMUCAPS\.VirtualAddressBitCount "
                                         r"must be in 0\.\.0xffffffff"):
        dxgk.Adapter(caps={"VirtualAddressBitCount": 2**32 + 48})
    with pytest.raises(ValueError, match=r"levels\[0\]\.PageTableIndexBitCount"):
        dxgk.Adapter(levels=[{"PageTableIndexBitCount": 2**32 + 9}] * 4)
    with pytest.raises(ValueError, match=r"segments\[0\]\.size"):
        dxgk.Adapter(segments=[dxgk.Segment(2**64 + GB)])
    with pytest.raises(ValueError, match=r"segments\[0\]\.page_size"):
        dxgk.Adapter(segments=[dxgk.Segment(GB, 2**32 + 4096)])
    with pytest.raises(TypeError, match=r"segments\[0\]\.size must be an int; got a float"):
        dxgk.Adapter(segments=[dxgk.Segment(1.0 * GB)])
    with pytest.raises(TypeError, match="segments must be a list"):
        dxgk.Adapter(segments=dxgk.Segment(GB))


def test_struct_constructors_check_every_integer_member():
    M = structs.DXGKARGCB_MAPCONTEXTALLOCATION
    with pytest.raises(ValueError, match=r"DXGKARGCB_MAPCONTEXTALLOCATION\.SizeInPages must "
                                         r"be in " + U64 + r" \(a 64-bit unsigned field\)"):
        M(SizeInPages=2**64 + 1)
    with pytest.raises(ValueError, match=r"BaseAddress"):
        M(BaseAddress=-1)
    with pytest.raises(ValueError, match=r"DXGK_GPUMMUCAPS\.VirtualAddressBitCount"):
        structs.DXGK_GPUMMUCAPS(VirtualAddressBitCount=2**32 + 48)
    with pytest.raises(ValueError, match=r"DXGK_GPUMMUCAPS\.ReadOnlyMemorySupported must be "
                                         r"in 0\.\.1 \(a 1-bit unsigned bitfield\)"):
        structs.DXGK_GPUMMUCAPS(ReadOnlyMemorySupported=2)
    with pytest.raises(ValueError, match=r"hAllocation must be in 0\.\.0xffffffff"):
        structs.x86.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=2**32)   # an x86 HANDLE
    with pytest.raises(ValueError, match=r"PageTableUpdateMode must be in "
                                         r"-0x80000000\.\.0x7fffffff"):
        structs.DXGK_GPUMMUCAPS(PageTableUpdateMode=2**31)               # a C enum: int
    for bad in ("16", 16.0, None, b"\x10"):
        with pytest.raises(TypeError, match=r"SizeInPages must be an int; got"):
            M(SizeInPages=bad)
    # the decision on bool: a one-bit flag takes it, a number does not
    assert M(Protection={"Write": True}).Protection.Value == 1
    with pytest.raises(TypeError, match=r"SizeInPages must be an int, not a bool"):
        M(SizeInPages=True)
    with pytest.raises(TypeError, match=r"SegmentId0 must be an int, not a bool"):
        structs.DXGKARGCB_CREATECONTEXTALLOCATION(PreferredSegment={"SegmentId0": True})
    # numpy integers are integers; the extremes of each field fit
    m = M(SizeInPages=np.uint64(2**64 - 1), BaseAddress=np.int64(0x1000))
    assert (m.SizeInPages, m.BaseAddress) == (2**64 - 1, 0x1000)


def test_non_integers_are_type_errors(env):
    a, p, d, _, h = env
    before = _counts(a)
    cases = [
        (lambda: a.create_allocation("4096"), r"create_allocation: size \(Size\) must be an "
                                              r"int; got a str"),
        (lambda: a.create_allocation(4096.0), r"size \(Size\) must be an int; got a float"),
        (lambda: a.create_allocation(True), r"size \(Size\) must be an int, not a bool"),
        (lambda: a.create_allocation(4096, segments="12"), r"segments must be a sequence"),
        (lambda: a.create_allocation(4096, preferred=1), r"preferred must be a sequence"),
        (lambda: a.map(h, "4"), r"map: pages \(SizeInPages\) must be an int; got a str"),
        (lambda: a.map(h, 4, base=0x40000000 * 1.0), r"base \(BaseAddress\) must be an int"),
        (lambda: a.map(h, True), r"pages \(SizeInPages\) must be an int, not a bool"),
        (lambda: p.translate("0x1000"), r"translate: va must be an int; got a str"),
        (lambda: p.translate(4096.0), r"translate: va must be an int; got a float"),
        (lambda: p.translate_many("0x1000"), r"translate_many takes an array of integer"),
        (lambda: p.translate_many(np.array(["4096"], dtype=object)),
         r"translate_many: vas\[0\] must be an int; got a str"),
        (lambda: p.translate_many([1.5]), r"array of integer VAs; got dtype float64"),
        (lambda: p.reserve("2MB"), r"reserve: size \(SizeInBytes\) must be an int"),
        (lambda: a.segment("1"), r"segment: segment_id must be an int"),
        (lambda: a.update_allocation(h, 42), r"data must be a bytes-like object or None; "
                                             r"got an int"),
        (lambda: a.create_process(on_create=5), r"on_create must be a callable"),
    ]
    for call, message in cases:
        with pytest.raises(TypeError, match=message):
            call()
        assert _counts(a) == before
    with pytest.raises(ValueError, match="negative"):
        p.translate_many(np.array([-PAGE], dtype=np.int64))
    with pytest.raises(ValueError, match=r"vas\[1\] must be in"):
        p.translate_many(np.array([PAGE, 2**64], dtype=object))


def test_translate_many_keeps_the_shape_of_a_0d_array(env):
    a, p, _, _, h = env
    va = a.map(h)
    for x in (np.uint64(va), np.array(va, dtype=np.uint64), np.array(va), va,
              np.array(va, dtype=object)):
        out = p.translate_many(x)
        assert out.shape == () and bool(out["valid"]) and int(out["address"]) == \
            p.translate(va).address
    grid = np.full((2, 3), va, dtype=np.uint64)[:, ::2]       # not contiguous, 2-d
    assert p.translate_many(grid).shape == (2, 2)


# ---- 15.9: objects of the wrong kind -----------------------------------------------------------


def test_a_context_where_the_device_goes_is_a_type_error(env):
    a, _, d, c, _ = env
    before = _counts(a)
    with pytest.raises(TypeError) as e:
        a.create_allocation(4096, c)
    assert str(e.value) == ("create_allocation: device must be a dxgk.Device, a device handle "
                            "(int) or None; got a dxgk.Context (a Context goes in context=, "
                            "its device is implied)")
    assert _counts(a) == before
    assert a.allocation(a.create_allocation(4096, context=c)).device == d.handle  # the right way


@pytest.mark.parametrize("call, expected", [
    (lambda a, p, d, c, h: a.create_allocation(4096, p), "device must be a dxgk.Device"),
    (lambda a, p, d, c, h: a.create_allocation(4096, a), "device must be a dxgk.Device"),
    (lambda a, p, d, c, h: a.create_allocation(4096, d, d), "context must be a dxgk.Context"),
    (lambda a, p, d, c, h: a.create_allocation(4096, d, p), "context must be a dxgk.Context"),
    (lambda a, p, d, c, h: a.create_allocation(4096, d, "ctx"),
     "context must be a dxgk.Context, a context handle \\(int\\) or None; got a str"),
    (lambda a, p, d, c, h: a.map(d), "map: allocation must be an allocation handle"),
    (lambda a, p, d, c, h: a.map(c, 1), "map: allocation must be an allocation handle"),
    (lambda a, p, d, c, h: a.map(p.mappings), "map: allocation must be an allocation handle"),
    (lambda a, p, d, c, h: a.destroy_allocation(c), "destroy_allocation: allocation must be"),
    (lambda a, p, d, c, h: a.update_allocation(d, b"x"), "update_allocation: allocation must"),
    (lambda a, p, d, c, h: a.allocation(c), "allocation: allocation must be an allocation"),
    (lambda a, p, d, c, h: a.allocation(None), "allocation: allocation must be an allocation "
                                               "handle \\(int\\); got a NoneType"),
    (lambda a, p, d, c, h: d.create_allocation(4096, context=d), "context must be a dxgk."),
])
def test_every_object_argument_checks_its_kind(env, call, expected):
    a, p, d, c, h = env
    before = _counts(a)
    with pytest.raises(TypeError, match=expected):
        call(a, p, d, c, h)
    assert _counts(a) == before


def test_handles_as_ints_still_get_the_ddis_own_answer(env):
    a, p, d, c, h = env
    # a handle value is the DDI's to judge: the wrong kind of handle is STATUS_INVALID_HANDLE
    with pytest.raises(dxgk.DdiError) as e:
        a.create_allocation(4096, c.handle)
    assert e.value.status == dxgk.STATUS_INVALID_HANDLE == dxgk.last_status()
    assert f"device {c.handle:#x} is a context handle, not a device" in str(e.value)
    assert a.allocation(a.create_allocation(4096, d.handle, c.handle)).context == c.handle
    assert a.allocation(np.uint64(h)).handle == h               # numpy ints are ints


# ---- 15.10: what a DdiError says ---------------------------------------------------------------


def _ddi_error(call):
    with pytest.raises(dxgk.DdiError) as e:
        call()
    assert dxgk.last_status() == e.value.status            # the DDI's answer, kept
    return e.value


def test_an_offset_past_the_allocation_names_the_offset_not_a_derived_size(env):
    a, _, _, _, h = env
    e = _ddi_error(lambda: a.map(h, offset=1000))
    assert e.status == dxgk.STATUS_INVALID_PARAMETER
    assert str(e) == (f"STATUS_INVALID_PARAMETER: map(allocation={h:#x}, offset=1000): offset "
                      f"1000 pages is past the allocation's 256 pages, so no page is left to "
                      f"map (docs/behaviour.md section 5.1)")
    assert "-744" not in str(e) and "SizeInPages" not in str(e)
    e = _ddi_error(lambda: a.map(h, 10, offset=250))
    assert "offset 250 + pages 10 = 260 pages goes past the end of the allocation's 256 " \
           "pages (docs/behaviour.md section 5.1)" in str(e)
    e = _ddi_error(lambda: a.map(h, 300))
    assert "pages 300 is more than the allocation's 256 pages" in str(e)


def test_a_window_that_cannot_hold_the_range_says_so(env):
    a, _, d, _, h = env
    e = _ddi_error(lambda: a.map(h, 4, minimum=0x100000, maximum=0x103000))
    assert e.status == dxgk.STATUS_NO_MEMORY
    assert str(e) == (f"STATUS_NO_MEMORY: map(allocation={h:#x}, pages=4, minimum=0x100000, "
                      f"maximum=0x103000): window [MinimumAddress, MaximumAddress) = "
                      f"[0x100000, 0x103000) cannot hold 4 pages at a free VA aligned to "
                      f"64 KB (docs/behaviour.md section 5.5)")
    e = _ddi_error(lambda: a.map(h, 4, offset=1, minimum=0x100000, maximum=0x104000))
    assert "aligned to 0x1000 modulo 64 KB" in str(e)        # the 64 KB congruence
    h4 = a.create_allocation(64 * KB, d, segments=[2])        # 4 KB pages: any 4 KB VA
    a.map(h4, 16, base=0x100000)
    e = _ddi_error(lambda: a.map(h4, 4, minimum=0x100000, maximum=0x110000))
    assert "[0x100000, 0x110000) cannot hold 4 pages at a free VA aligned to 4 KB" in str(e)
    e = _ddi_error(lambda: a.map(h4, 4, minimum=0x200000, maximum=0x200000))
    assert e.status == dxgk.STATUS_INVALID_PARAMETER
    assert "window [MinimumAddress, MaximumAddress) = [0x200000, 0x200000) is empty" in str(e)


def test_parameter_rules_are_named(env):
    a, _, _, _, h = env
    for kw, text in [
        (dict(pages=1, base=0x1000), "base 0x1000 breaks the 64 KB congruence"),
        (dict(pages=1, base=0x10800), "base (BaseAddress) = 0x10800 is not a multiple of 4 KB"),
        (dict(pages=1, minimum=0x123), "minimum (MinimumAddress) = 0x123 is not a multiple"),
        (dict(pages=1, zero=True), "a Zero range takes no allocation"),
        (dict(pages=1, protection=1 << 7), "protection 0x80 sets Protection.Reserved bits"),
        (dict(pages=1, maximum=1 << 50), "maximum (MaximumAddress) = 0x4000000000000 is "
                                         "beyond the 48-bit VA space"),
        (dict(pages=32, base=(1 << 48) - 0x10000), "goes past the end of the 48-bit VA"),
    ]:
        e = _ddi_error(lambda kw=kw: a.map(h, **kw))
        assert e.status == dxgk.STATUS_INVALID_PARAMETER and text in str(e), str(e)
        assert "(docs/behaviour.md section 5." in str(e)
    e = _ddi_error(lambda: a.map(None, 1))
    assert "with no allocation the range must be Zero or NoAccess" in str(e)


def test_conflicts_and_handles_are_named(env):
    a, p, _, _, h = env
    va = a.map(h)                                           # 256 pages: 1 MB
    e = _ddi_error(lambda: a.map(h, 1, base=va + 0xF0000))
    assert e.status == dxgk.STATUS_CONFLICTING_ADDRESSES
    assert (f"[{va + 0xF0000:#x}, {va + 0xF1000:#x}) overlaps the mapping of allocation "
            f"{h:#x} at [{va:#x}, {va + 0x100000:#x})") in str(e)
    assert "(docs/behaviour.md section 5.4)" in str(e)
    b = dxgk.Adapter()
    other = b.create_allocation(4096)
    e = _ddi_error(lambda: a.map(other, 1))
    assert e.status == dxgk.STATUS_INVALID_HANDLE
    assert f"allocation {other:#x} belongs to another adapter" in str(e)
    a.destroy_allocation(h)
    e = _ddi_error(lambda: a.map(h, 1))
    assert f"allocation {h:#x} is not a live handle (destroyed, or never made by dxgk)" \
        in str(e)
    e = _ddi_error(lambda: a.destroy_allocation(h))
    assert str(e).startswith(f"STATUS_INVALID_HANDLE: destroy_allocation({h:#x}): allocation")
    e = _ddi_error(lambda: a.update_allocation(p.handle, b"x"))
    assert f"allocation {p.handle:#x} is a process handle, not an allocation" in str(e)


def test_create_and_reserve_failures_name_their_rule(env):
    a, p, d, c, _ = env
    d2 = p.create_device()
    for call, status, text in [
        (lambda: a.create_allocation(0, d), dxgk.STATUS_INVALID_PARAMETER, "size (Size) is 0"),
        (lambda: a.create_allocation(4096, alignment=3), dxgk.STATUS_INVALID_PARAMETER,
         "alignment (Alignment) = 0x3 is neither 0 nor a power of two"),
        (lambda: a.create_allocation(4096, segments=0b100), dxgk.STATUS_INVALID_PARAMETER,
         "SupportedSegmentSet = 0x4) names none of this adapter's segments 1..2"),
        (lambda: a.create_allocation(4096, d2, c), dxgk.STATUS_INVALID_PARAMETER,
         f"context {c.handle:#x} is not a context of device {d2.handle:#x}"),
        (lambda: a.create_allocation(4096, None, c.handle), dxgk.STATUS_INVALID_PARAMETER,
         "with device None (the system device) context must be None"),
        (lambda: a.create_allocation(4096, d, c, shared=True), dxgk.STATUS_INVALID_PARAMETER,
         "shared across contexts (shared=True) takes no context"),
        (lambda: a.create_allocation(2 * GB, d), dxgk.STATUS_NO_MEMORY,
         "no segment of [1, 2] has 0x80000000 bytes"),
        (lambda: p.reserve(2 * MB), dxgk.STATUS_INVALID_PARAMETER,
         "is not being created: reserve works only inside create_process's on_create hook"),
    ]:
        e = _ddi_error(call)
        assert e.status == status and text in str(e), str(e)
        assert "(docs/behaviour.md section " in str(e)

    def hook(q):
        q.reserve(2 * MB, base=0x8000000000)
        for size, kw, text in [
            (3 * MB, {}, "size (SizeInBytes) = 0x300000 is not a non-zero multiple of one leaf "
                         "table's span (0x200000 bytes)"),
            (2 * MB, {"base": 0x1000000}, "lies in root entry 0"),
            (2 * MB, {"base": 0x8000000000}, "overlaps a reservation at "
                                             "[0x8000000000, 0x8000200000)"),
        ]:
            e = _ddi_error(lambda size=size, kw=kw: q.reserve(size, **kw))
            assert text in str(e) and "(docs/behaviour.md section 6.3)" in str(e), str(e)
    a.create_process(on_create=hook)


def test_the_callbacks_refuse_objects_of_the_wrong_kind_as_handles(env):
    a, p, d, c, h = env
    m = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=1,
                                               Protection={"Write": 1})
    with pytest.raises(TypeError, match=r"hAdapter must be an int handle or a dxgk\.Adapter; "
                                        r"got a dxgk\.Context"):
        dxgk.DxgkCbMapContextAllocation(c, m)
    with pytest.raises(TypeError, match=r"hAdapter must be .* got a dxgk\.Process"):
        dxgk.DxgkCbDestroyContextAllocation(p, h)
    with pytest.raises(TypeError, match=r"hAllocation must be an int handle; got a dxgk\.Device"):
        dxgk.DxgkCbDestroyContextAllocation(a, d)
    assert a.stats().mappings == 0
    assert dxgk.DxgkCbMapContextAllocation(a, m) != 0            # an Adapter is fine
    closed = dxgk.Adapter()
    closed.close()                                                # a closed one: the DDI's answer
    assert dxgk.DxgkCbMapContextAllocation(closed, m) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE
    # a handle value of the wrong kind is the DDI's to judge, not a Python error
    assert dxgk.DxgkCbDestroyContextAllocation(a.handle, d.handle) == dxgk.STATUS_INVALID_HANDLE


def test_an_explanation_that_fails_still_gives_the_ddis_error(env, monkeypatch):
    a, _, _, _, h = env
    va = a.map(h, 16)

    def broken(*args):
        raise RuntimeError("inspection failed")
    monkeypatch.setattr(explain, "read_ranges", broken)
    e = _ddi_error(lambda: a.map(h, 16, base=va))
    assert e.status == dxgk.STATUS_CONFLICTING_ADDRESSES
    assert str(e) == "STATUS_CONFLICTING_ADDRESSES: map failed (docs/behaviour.md section 8.3)"
