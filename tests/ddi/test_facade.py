"""The Python DDI facade (dxgk/ddi.py): every accepted argument form reaches the C core
as the same bytes and gets the same answer; wrong forms are Python errors that name the
struct and its size; out-fields land in the caller's own memory; x86-layout buffers work
through the layout engine and the 32-bit handle aliases.

The docs/behaviour.md rules themselves are tested in test_spec_*.py; here the arguments vary, not
the rules."""

from __future__ import annotations

import array
import ctypes
import mmap
import platform
import sys

import numpy as np
import pytest
from dxgk._core import ffi

import dxgk
from dxgk import structs

MB = 1 << 20
PAGE = 4096
MAP_SIZE = ctypes.sizeof(structs.DXGKARGCB_MAPCONTEXTALLOCATION)
CREATE_SIZE = ctypes.sizeof(structs.DXGKARGCB_CREATECONTEXTALLOCATION)
RESERVE_SIZE = ctypes.sizeof(structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE)
UPDATE_SIZE = ctypes.sizeof(structs.DXGKARGCB_UPDATECONTEXTALLOCATION)


# ---- argument forms -------------------------------------------------------------------
#
# Each maker turns a host-layout struct into one accepted form, and returns
# (arg, read_back) where read_back() gives the bytes as the caller now sees them.


def _ctypes_instance(s):
    return s, lambda: bytes(s)


def _byref(s):
    return ctypes.byref(s), lambda: bytes(s)


def _pointer(s):
    return ctypes.pointer(s), lambda: bytes(s)


def _byref_into_struct_array(s):
    arr = (type(s) * 3)()
    arr[1] = s
    return ctypes.byref(arr, ctypes.sizeof(s)), lambda: bytes(arr[1])


def _ctypes_byte_array(s):
    b = (ctypes.c_ubyte * ctypes.sizeof(s)).from_buffer_copy(s)
    return b, lambda: bytes(b)


def _byref_byte_array(s):
    b = (ctypes.c_ubyte * ctypes.sizeof(s)).from_buffer_copy(s)
    return ctypes.byref(b), lambda: bytes(b)


def _bytearray(s):
    b = bytearray(bytes(s))
    return b, lambda: bytes(b)


def _memoryview(s):
    b = bytearray(bytes(s))
    return memoryview(b), lambda: bytes(b)


def _numpy_u8(s):
    a = np.frombuffer(bytes(s), dtype=np.uint8).copy()
    return a, a.tobytes


def _numpy_u64(s):
    a = np.frombuffer(bytes(s), dtype=np.uint64).copy()
    return a, a.tobytes


def _array_array(s):
    a = array.array("Q", bytes(s))
    return a, a.tobytes


def _mmap(s):
    m = mmap.mmap(-1, ctypes.sizeof(s))
    m[:] = bytes(s)
    return m, lambda: bytes(m[:])


def _cffi_array(s):
    c = ffi.new("uint8_t[]", ctypes.sizeof(s))
    ffi.memmove(c, bytes(s), ctypes.sizeof(s))
    return c, lambda: bytes(ffi.buffer(c))


def _cffi_buffer(s):
    c = ffi.new("uint8_t[]", ctypes.sizeof(s))
    ffi.memmove(c, bytes(s), ctypes.sizeof(s))
    return ffi.buffer(c), lambda: bytes(ffi.buffer(c))


def _bytes(s):
    b = bytes(s)
    return b, lambda: b


def _readonly_memoryview(s):
    b = bytes(s)
    return memoryview(b), lambda: b


WRITABLE_FORMS = [_ctypes_instance, _byref, _pointer, _byref_into_struct_array,
                  _ctypes_byte_array, _byref_byte_array, _bytearray, _memoryview, _numpy_u8,
                  _numpy_u64, _array_array, _mmap, _cffi_array, _cffi_buffer]
READONLY_FORMS = [_bytes, _readonly_memoryview]
ALL_FORMS = WRITABLE_FORMS + READONLY_FORMS


def _ids(forms):
    return [f.__name__.lstrip("_") for f in forms]


# ---- a small deterministic scene -------------------------------------------------------


def _scene():
    """A fresh default adapter with a process, a device and a 1 MB allocation in the
    4 KB segment: the same state, and so the same answers, every time."""
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    h = a.create_allocation(MB, d, segments=[2])
    return a, p, d, h


def _map_struct(h, pages=16, base=0, offset=0, write=True):
    s = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=pages,
                                               BaseAddress=base, OffsetInPages=offset)
    s.Protection.Write = int(write)
    return s


def _observe(p, va):
    """What the process shows after a map, without handle values (they differ between
    adapters)."""
    t = p.translate(va) if va else None
    return (
        [(m.va, m.size, m.kind, m.offset_pages, m.protection) for m in p.mappings()],
        None if t is None else (t.valid, t.segment, t.address, t.read_only, t.no_execute,
                                [(lv.level, lv.index) for lv in t.levels]),
    )


# ---- Map: every form, same answer -------------------------------------------------------


def _map_with(form, **kw):
    a, p, _, h = _scene()
    arg, _ = form(_map_struct(h, **kw))
    va = dxgk.DxgkCbMapContextAllocation(a.handle, arg)
    return va, dxgk.last_status(), _observe(p, va)


@pytest.mark.parametrize("form", ALL_FORMS, ids=_ids(ALL_FORMS))
def test_map_every_form_gives_the_ctypes_answer(form):
    want = _map_with(_ctypes_instance, pages=16, offset=3)
    assert want[0] != 0 and want[1] == dxgk.STATUS_SUCCESS
    assert _map_with(form, pages=16, offset=3) == want


@pytest.mark.parametrize("form", ALL_FORMS, ids=_ids(ALL_FORMS))
def test_map_every_form_gives_the_same_failure(form):
    want = _map_with(_ctypes_instance, pages=0)
    assert want[:2] == (0, dxgk.STATUS_INVALID_PARAMETER)
    assert _map_with(form, pages=0) == want


def test_map_reads_the_callers_memory_not_a_copy():
    """The same buffer, changed between two calls, is read afresh each time."""
    a, _p, _, h = _scene()
    buf = bytearray(bytes(_map_struct(h, pages=1, base=0x100000)))
    assert dxgk.DxgkCbMapContextAllocation(a.handle, buf) == 0x100000
    view = structs.DXGKARGCB_MAPCONTEXTALLOCATION.from_buffer(buf)
    view.BaseAddress = 0x200000
    assert dxgk.DxgkCbMapContextAllocation(a.handle, buf) == 0x200000


def test_hadapter_may_be_an_int_an_adapter_or_an_integer_like():
    a, _, _, h = _scene()
    va1 = dxgk.DxgkCbMapContextAllocation(a.handle, _map_struct(h, pages=1))
    va2 = dxgk.DxgkCbMapContextAllocation(a, _map_struct(h, pages=1))
    va3 = dxgk.DxgkCbMapContextAllocation(np.uint64(a.handle), _map_struct(h, pages=1))
    va4 = dxgk.DxgkCbMapContextAllocation(a, bytearray(_map_struct(h, pages=1)))
    assert 0 not in (va1, va2, va3, va4) and len({va1, va2, va3, va4}) == 4


def test_hadapter_out_of_range_or_wrong_type_is_a_python_error():
    a, _, _, h = _scene()
    with pytest.raises(ValueError, match="64-bit"):
        dxgk.DxgkCbMapContextAllocation(-1, _map_struct(h))
    with pytest.raises(ValueError, match="64-bit"):
        dxgk.DxgkCbMapContextAllocation(1 << 64, _map_struct(h))
    with pytest.raises(TypeError, match="hAdapter"):
        dxgk.DxgkCbMapContextAllocation("adapter", _map_struct(h))
    with pytest.raises(TypeError, match="hAllocation"):
        dxgk.DxgkCbDestroyContextAllocation(a, 1.5)


def test_none_is_a_null_pointer_answered_by_the_ddi():
    a, _, _, _ = _scene()
    assert dxgk.DxgkCbMapContextAllocation(a.handle, None) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_PARAMETER
    for call in (lambda: dxgk.DxgkCbCreateContextAllocation(None),
                 lambda: dxgk.DxgkCbUpdateContextAllocation(a.handle, None),
                 lambda: dxgk.DxgkCbReserveGpuVirtualAddressRange(a.handle, None)):
        dxgk.DxgkCbMapContextAllocation(a.handle, _map_struct(0, 1))   # reset the status
        assert call() == dxgk.STATUS_INVALID_PARAMETER
        assert dxgk.last_status() == dxgk.STATUS_INVALID_PARAMETER
    null = ctypes.POINTER(structs.DXGKARGCB_MAPCONTEXTALLOCATION)()
    assert dxgk.DxgkCbMapContextAllocation(a.handle, null) == 0


# ---- Create: out-field written into the caller's memory ----------------------------------


def _create_struct(a, d, size=64 * 1024, segments=0b10, **kw):
    return structs.DXGKARGCB_CREATECONTEXTALLOCATION(
        hAdapter=a.handle, hDevice=d.handle, Size=size, SupportedSegmentSet=segments,
        hDriverAllocation=0xD00D, **kw)


@pytest.mark.parametrize("form", WRITABLE_FORMS, ids=_ids(WRITABLE_FORMS))
def test_create_writes_hallocation_into_every_writable_form(form):
    a, _p, d, _ = _scene()
    arg, read_back = form(_create_struct(a, d))
    assert dxgk.DxgkCbCreateContextAllocation(arg) == dxgk.STATUS_SUCCESS
    out = structs.DXGKARGCB_CREATECONTEXTALLOCATION.from_buffer_copy(read_back())
    info = a.allocation(out.hAllocation)
    assert (info.device, info.driver_allocation, info.segment, info.size) == \
        (d.handle, 0xD00D, 2, 64 * 1024)
    # every other byte is as the caller left it
    expect = _create_struct(a, d)
    expect.hAllocation = out.hAllocation
    assert read_back() == bytes(expect)


@pytest.mark.parametrize("form", WRITABLE_FORMS, ids=_ids(WRITABLE_FORMS))
def test_create_failure_leaves_the_callers_buffer_alone(form):
    a, _p, d, _ = _scene()
    s = _create_struct(a, d, size=0)
    s.hAllocation = 0x1234
    arg, read_back = form(s)
    assert dxgk.DxgkCbCreateContextAllocation(arg) == dxgk.STATUS_INVALID_PARAMETER
    assert read_back() == bytes(s)


def _readonly_numpy(s):
    a = np.frombuffer(bytes(s), dtype=np.uint8)
    return a, a.tobytes


@pytest.mark.parametrize("form", [*READONLY_FORMS, _readonly_numpy],
                         ids=_ids([*READONLY_FORMS, _readonly_numpy]))
def test_read_only_buffer_to_create_or_reserve_is_a_type_error(form):
    a, p, d, _ = _scene()
    dxgk.DxgkCbMapContextAllocation(a.handle, _map_struct(0, 1))     # INVALID_PARAMETER
    arg, _ = form(_create_struct(a, d))
    with pytest.raises(TypeError, match=r"DXGKARGCB_CREATECONTEXTALLOCATION.*read-only"):
        dxgk.DxgkCbCreateContextAllocation(arg)
    arg, _ = form(structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(hDxgkProcess=p.handle,
                                                                     SizeInBytes=2 * MB))
    with pytest.raises(TypeError, match=r"StartVirtualAddress.*read-only"):
        dxgk.DxgkCbReserveGpuVirtualAddressRange(a.handle, arg)
    assert dxgk.last_status() == dxgk.STATUS_INVALID_PARAMETER    # no DDI call was made
    assert a.stats().allocations == 1


# ---- Reserve and Update: every form --------------------------------------------------------


@pytest.mark.parametrize("form", WRITABLE_FORMS, ids=_ids(WRITABLE_FORMS))
def test_reserve_writes_start_address_into_every_writable_form(form):
    a = dxgk.Adapter()
    got = {}

    def hook(p):
        arg, read_back = form(structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(
            hDxgkProcess=p.handle, SizeInBytes=4 * MB))
        got["st"] = dxgk.DxgkCbReserveGpuVirtualAddressRange(a.handle, arg)
        got["out"] = structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE.from_buffer_copy(
            read_back())

    p = a.create_process(on_create=hook)
    assert got["st"] == dxgk.STATUS_SUCCESS
    start = got["out"].StartVirtualAddress
    assert start != 0
    assert [(r.va, r.size) for r in p.reservations()] == [(start, 4 * MB)]


@pytest.mark.parametrize("form", ALL_FORMS, ids=_ids(ALL_FORMS))
def test_update_accepts_every_form_including_read_only(form):
    a, _, _, h = _scene()
    data = (ctypes.c_char * 5).from_buffer_copy(b"dxgk!")
    arg, _ = form(structs.DXGKARGCB_UPDATECONTEXTALLOCATION(
        hAllocation=h, pPrivateDriverData=ctypes.addressof(data), PrivateDriverDataSize=5))
    assert dxgk.DxgkCbUpdateContextAllocation(a.handle, arg) == dxgk.STATUS_SUCCESS
    ucas = [r for r in a.paging_log if r.operation == "UPDATE_CONTEXT_ALLOCATION"]
    assert [(r.allocation, r.data) for r in ucas] == [(h, b"dxgk!")]


# ---- wrong size / wrong type ------------------------------------------------------------------


@pytest.mark.parametrize("make, got", [
    (lambda: bytearray(60), "60-byte bytearray"),
    (lambda: bytearray(65), "65-byte bytearray"),
    (lambda: bytes(0), "0-byte bytes"),
    (lambda: np.zeros(7, dtype=np.uint64), "56-byte ndarray"),
    (lambda: memoryview(bytearray(128)), "128-byte memoryview"),
    (lambda: ffi.new("uint8_t[63]"), "63-byte cffi"),
    (lambda: (ctypes.c_ubyte * 32)(), "32-byte"),
    (lambda: ctypes.pointer((ctypes.c_ubyte * 16)()), "16-byte ctypes pointee"),
])
def test_wrong_size_is_a_value_error_naming_struct_and_size(make, got):
    a, _, _, _ = _scene()
    with pytest.raises(ValueError) as e:
        dxgk.DxgkCbMapContextAllocation(a.handle, make())
    msg = str(e.value)
    assert f"DXGKARGCB_MAPCONTEXTALLOCATION is {MAP_SIZE} bytes on {structs.HOST_ABI}" in msg
    assert got in msg


def test_wrong_size_names_each_struct():
    a, _p, _, _ = _scene()
    for call, name, size in [
        (lambda b: dxgk.DxgkCbCreateContextAllocation(b), "DXGKARGCB_CREATECONTEXTALLOCATION",
         CREATE_SIZE),
        (lambda b: dxgk.DxgkCbUpdateContextAllocation(a, b),
         "DXGKARGCB_UPDATECONTEXTALLOCATION", UPDATE_SIZE),
        (lambda b: dxgk.DxgkCbReserveGpuVirtualAddressRange(a, b),
         "DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE", RESERVE_SIZE),
    ]:
        with pytest.raises(ValueError, match=f"{name} is {size} bytes on "):
            call(bytearray(size + 8))


@pytest.mark.parametrize("make", [
    lambda: 42,
    lambda: "DXGKARGCB_MAPCONTEXTALLOCATION",
    lambda: [0] * 64,
    lambda: {"SizeInPages": 1},
    lambda: structs.DXGK_PTE(),
    lambda: structs.DXGKARGCB_CREATECONTEXTALLOCATION(),
    lambda: ctypes.pointer(structs.DXGK_PTE()),
    lambda: ctypes.byref(structs.DXGK_PTE()),
    lambda: ffi.new("char *"),
    lambda: ffi.cast("void *", 0),
])
def test_wrong_type_is_a_type_error_naming_struct_and_size(make):
    a, _, _, _ = _scene()
    with pytest.raises(TypeError) as e:
        dxgk.DxgkCbMapContextAllocation(a.handle, make())
    assert "DXGKARGCB_MAPCONTEXTALLOCATION" in str(e.value) or \
        "DxgkCbMapContextAllocation" in str(e.value)


def test_type_error_message_lists_what_is_accepted():
    with pytest.raises(TypeError) as e:
        dxgk.DxgkCbMapContextAllocation(1, 42)
    assert str(e.value) == (
        "DxgkCbMapContextAllocation takes a DXGKARGCB_MAPCONTEXTALLOCATION (dxgk.structs), "
        "a ctypes pointer or byref() to one, or a buffer of exactly 64 bytes "
        f"(DXGKARGCB_MAPCONTEXTALLOCATION on {structs.HOST_ABI}); got an int")


def test_non_contiguous_buffer_is_a_type_error():
    a, _, _, _h = _scene()
    big = np.zeros(2 * MAP_SIZE, dtype=np.uint8)
    strided = big[::2]
    assert strided.nbytes == MAP_SIZE
    with pytest.raises(TypeError, match="contiguous"):
        dxgk.DxgkCbMapContextAllocation(a.handle, strided)


def test_byref_with_an_offset_must_point_at_a_struct():
    a, _, _, h = _scene()
    s = _map_struct(h, 1)
    with pytest.raises(ValueError, match="offset"):
        dxgk.DxgkCbMapContextAllocation(a.handle, ctypes.byref(s, 8))
    arr = (structs.DXGKARGCB_MAPCONTEXTALLOCATION * 2)()
    with pytest.raises(ValueError, match="element"):
        dxgk.DxgkCbMapContextAllocation(a.handle, ctypes.byref(arr, 8))
    with pytest.raises(ValueError, match="element"):
        dxgk.DxgkCbMapContextAllocation(a.handle, ctypes.byref(arr, 2 * MAP_SIZE))


def test_errors_make_no_ddi_call():
    a, p, _, h = _scene()
    before = (a.stats(), p.mappings())
    dxgk.DxgkCbMapContextAllocation(a.handle, _map_struct(h, 0))       # INVALID_PARAMETER
    for bad in (bytearray(3), 7, structs.DXGK_PTE()):
        with pytest.raises((TypeError, ValueError)):
            dxgk.DxgkCbMapContextAllocation(a.handle, bad)
    assert dxgk.last_status() == dxgk.STATUS_INVALID_PARAMETER
    assert (a.stats(), p.mappings()) == before


# ---- the x86 layout ----------------------------------------------------------------------------


def _x86_map(h, pages=16, base=0, offset=0, write=True):
    s = structs.x86.DXGKARGCB_MAPCONTEXTALLOCATION(
        hAllocation=dxgk.x86_handle(h), SizeInPages=pages, BaseAddress=base,
        OffsetInPages=offset)
    s.Protection.Write = int(write)
    return s


def test_x86_struct_is_detected_and_maps_like_the_host_struct():
    want = _map_with(_ctypes_instance, pages=16, offset=3)
    a, p, _, h = _scene()
    va = dxgk.DxgkCbMapContextAllocation(a.handle, _x86_map(h, pages=16, offset=3))
    assert (va, dxgk.last_status(), _observe(p, va)) == want


@pytest.mark.parametrize("form", ALL_FORMS, ids=_ids(ALL_FORMS))
def test_x86_buffers_with_abi_x86(form):
    want = _map_with(_ctypes_instance, pages=5, offset=2)
    a, p, _, h = _scene()
    arg, _ = form(_x86_map(h, pages=5, offset=2))   # ctypes forms keep the x86 class
    va = dxgk.DxgkCbMapContextAllocation(a.handle, arg, abi="x86")
    assert (va, dxgk.last_status(), _observe(p, va)) == want


def test_x86_create_writes_an_alias_that_names_the_allocation():
    a, p, d, _ = _scene()
    x = structs.x86.DXGKARGCB_CREATECONTEXTALLOCATION(
        hAdapter=dxgk.x86_handle(a.handle), hDevice=dxgk.x86_handle(d.handle),
        hDriverAllocation=0xBEEF, Size=8192, SupportedSegmentSet=0b10)
    x.ContextAllocationFlags.MapGpuVirtualAddress = 1
    raw = bytearray(bytes(x))
    assert len(raw) == ctypes.sizeof(structs.x86.DXGKARGCB_CREATECONTEXTALLOCATION) == 56
    assert dxgk.DxgkCbCreateContextAllocation(raw, abi="x86") == dxgk.STATUS_SUCCESS
    out = structs.x86.DXGKARGCB_CREATECONTEXTALLOCATION.from_buffer_copy(raw)
    alias = out.hAllocation
    assert 0 < alias <= 0xFFFFFFFF
    h = dxgk.host_handle(alias)
    assert h > 0xFFFFFFFF and dxgk.x86_handle(h) == alias
    info = a.allocation(h)
    assert (info.device, info.driver_allocation, info.size) == (d.handle, 0xBEEF, 8192)
    assert info.va != 0 and p.translate(info.va).valid
    # the rest of the buffer is untouched
    x.hAllocation = alias
    assert bytes(raw) == bytes(x)
    # the alias works in the x86 map and destroy, and as a plain int with abi="x86"
    va = dxgk.DxgkCbMapContextAllocation(a.handle, _x86_map(h, pages=2))
    assert va and a.allocation(h).mapping_count == 2
    assert dxgk.DxgkCbDestroyContextAllocation(dxgk.x86_handle(a.handle), alias,
                                               abi="x86") == dxgk.STATUS_SUCCESS
    assert not p.translate(va).valid


def test_x86_create_into_an_x86_struct_instance():
    a, _, d, _ = _scene()
    x = structs.x86.DXGKARGCB_CREATECONTEXTALLOCATION(
        hAdapter=dxgk.x86_handle(a.handle), hDevice=dxgk.x86_handle(d.handle), Size=4096,
        SupportedSegmentSet=0b10)
    assert dxgk.DxgkCbCreateContextAllocation(ctypes.pointer(x)) == dxgk.STATUS_SUCCESS
    assert a.allocation(dxgk.host_handle(x.hAllocation)).size == 4096


def test_x86_failed_create_leaves_the_buffer_alone():
    a, _, d, _ = _scene()
    x = structs.x86.DXGKARGCB_CREATECONTEXTALLOCATION(
        hAdapter=dxgk.x86_handle(a.handle), hDevice=dxgk.x86_handle(d.handle), Size=0,
        SupportedSegmentSet=0b10, hAllocation=0x77)
    before = bytes(x)
    assert dxgk.DxgkCbCreateContextAllocation(x) == dxgk.STATUS_INVALID_PARAMETER
    assert bytes(x) == before


def test_x86_unknown_32_bit_handle_is_the_ddis_invalid_handle():
    a, _, _, h = _scene()
    x = _x86_map(h)
    x.hAllocation = 0xFFFFFFF0                         # never an alias
    assert dxgk.DxgkCbMapContextAllocation(a.handle, x) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE
    assert dxgk.DxgkCbMapContextAllocation(0x1234, _x86_map(h)) == 0
    assert dxgk.last_status() == dxgk.STATUS_INVALID_HANDLE


def test_x86_reserve_inside_process_creation():
    a = dxgk.Adapter()
    seen = {}

    def hook(p):
        x = structs.x86.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(
            hDxgkProcess=dxgk.x86_handle(p.handle), SizeInBytes=2 * MB, Alignment=0)
        x.AllowUserModeMapping = 1
        seen["st"] = dxgk.DxgkCbReserveGpuVirtualAddressRange(dxgk.x86_handle(a.handle), x,
                                                              abi="x86")
        seen["start"] = x.StartVirtualAddress

    p = a.create_process(on_create=hook)
    assert seen["st"] == dxgk.STATUS_SUCCESS
    (r,) = p.reservations()
    assert (r.va, r.size, r.allow_user_mode_mapping) == (seen["start"], 2 * MB, True)


def test_x86_update_without_data_and_with_data_below_4gib():
    a, _, _, h = _scene()
    x = structs.x86.DXGKARGCB_UPDATECONTEXTALLOCATION(hAllocation=dxgk.x86_handle(h))
    assert dxgk.DxgkCbUpdateContextAllocation(a, x) == dxgk.STATUS_SUCCESS
    ucas = [r for r in a.paging_log if r.operation == "UPDATE_CONTEXT_ALLOCATION"]
    assert [r.data for r in ucas] == [b""]
    map_32bit = getattr(mmap, "MAP_32BIT", 0x40 if sys.platform == "linux" else 0)
    if not (sys.platform == "linux" and platform.machine() == "x86_64"):
        return                                       # MAP_32BIT is an x86-64 Linux flag
    m = mmap.mmap(-1, 4096, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | map_32bit)
    m[:6] = b"x86ok!"
    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
    assert addr < 1 << 32
    x.pPrivateDriverData = addr
    x.PrivateDriverDataSize = 6
    assert dxgk.DxgkCbUpdateContextAllocation(a, x) == dxgk.STATUS_SUCCESS
    ucas = [r for r in a.paging_log if r.operation == "UPDATE_CONTEXT_ALLOCATION"]
    assert [r.data for r in ucas] == [b"", b"x86ok!"]


def test_abi_must_match_the_struct_class():
    a, _, _, h = _scene()
    with pytest.raises(TypeError, match="abi"):
        dxgk.DxgkCbMapContextAllocation(a.handle, _map_struct(h), abi="x86")
    with pytest.raises(TypeError, match="abi"):
        dxgk.DxgkCbMapContextAllocation(a.handle, _x86_map(h), abi=structs.HOST_ABI)
    with pytest.raises(ValueError, match="unknown ABI"):
        dxgk.DxgkCbMapContextAllocation(a.handle, _map_struct(h), abi="mips")


def test_x86_size_errors_name_the_x86_size():
    _a, _, _, _ = _scene()
    with pytest.raises(ValueError, match="DXGKARGCB_CREATECONTEXTALLOCATION is 56 bytes on "
                                         "x86; got a 88-byte bytearray"):
        dxgk.DxgkCbCreateContextAllocation(bytearray(88), abi="x86")


def test_x86_handle_aliases_are_stable_and_round_trip():
    a = dxgk.Adapter()
    p = a.create_process()
    al = dxgk.x86_handle(p.handle)
    assert dxgk.x86_handle(p.handle) == al and 0 < al <= 0xFFFFFFFF
    assert dxgk.host_handle(al) == p.handle
    assert dxgk.x86_handle(0x1234) == 0x1234 and dxgk.host_handle(0x1234) == 0x1234
    assert dxgk.x86_handle(0) == 0
    assert dxgk.x86_handle(a.handle) != al
    with pytest.raises(ValueError):
        dxgk.host_handle(1 << 32)


def test_hdriverallocation_is_never_translated():
    a, _, d, _ = _scene()
    alias = dxgk.x86_handle(d.handle)                # a value that *is* an alias...
    x = structs.x86.DXGKARGCB_CREATECONTEXTALLOCATION(
        hAdapter=dxgk.x86_handle(a.handle), hDevice=alias, hDriverAllocation=alias,
        Size=4096, SupportedSegmentSet=0b10)
    assert dxgk.DxgkCbCreateContextAllocation(x) == dxgk.STATUS_SUCCESS
    info = a.allocation(dxgk.host_handle(x.hAllocation))
    assert info.device == d.handle                   # hDevice went through the alias
    assert info.driver_allocation == alias           # ...but the driver's own value did not


# ---- statuses ------------------------------------------------------------------------------


def test_status_names():
    assert dxgk.status_name(dxgk.STATUS_CONFLICTING_ADDRESSES) == "STATUS_CONFLICTING_ADDRESSES"
    assert dxgk.status_name(-1073741811) == "STATUS_INVALID_PARAMETER"      # signed form
    assert dxgk.status_name(0) == "STATUS_SUCCESS"
    assert dxgk.status_name(0xC0000001) == "NTSTATUS 0xc0000001"


def test_callbacks_return_unsigned_ntstatus():
    a, _, _, _ = _scene()
    st = dxgk.DxgkCbDestroyContextAllocation(a.handle, 0x5)
    assert st == dxgk.STATUS_INVALID_HANDLE == 0xC0000008
    assert dxgk.last_status() == st


def test_ddi_error_carries_the_status():
    e = dxgk.DdiError(dxgk.STATUS_NO_MEMORY, "segment full")
    assert e.status == 0xC0000017 and e.status_name == "STATUS_NO_MEMORY"
    assert str(e) == "STATUS_NO_MEMORY: segment full"
    assert isinstance(e, RuntimeError)
