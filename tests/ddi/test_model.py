"""The object layer (dxgk/model.py): adapter descriptions, the process-creation hook,
lifetimes (close, context managers, garbage collection, ClosedError), the inspection
records, translate vs translate_many, and the DDI conveniences built on the facade."""

from __future__ import annotations

import ctypes
import gc
import sys

import numpy as np
import pytest

import dxgk
from dxgk import structs

KB, MB, GB, PAGE = 1 << 10, 1 << 20, 1 << 30, 4096


@pytest.fixture
def quiet_gc():
    """dxgk.live_handles() counts every adapter in the process: collect other tests'
    garbage first and keep the collector from running in the middle of a count."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


# ---- adapter descriptions -------------------------------------------------------------------


def test_default_description_is_exposed():
    a = dxgk.Adapter()
    assert a.segments == (dxgk.Segment(GB, 64 * KB, "local"), dxgk.Segment(GB, 4 * KB, "aperture"))
    assert a.caps.VirtualAddressBitCount == 48 and len(a.levels) == 4
    # copies: changing them changes nothing
    c = a.caps
    c.VirtualAddressBitCount = 3
    assert a.caps.VirtualAddressBitCount == 48


def test_dict_descriptions_override_the_defaults_and_derive_the_va_size():
    a = dxgk.Adapter(levels=[{"PageTableIndexBitCount": 9}] * 3,
                     segments=[{"size": 16 * MB, "page_size": 4 * KB},
                               dxgk.Segment(32 * MB, 64 * KB, "aperture")],
                     caps={"ZeroInPteSupported": 0})
    st = a.stats()
    assert (st.level_count, st.va_bits, st.segment_count) == (3, 39, 2)
    assert a.caps.ZeroInPteSupported == 0 and a.caps.ReadOnlyMemorySupported == 1
    assert [(s.id, s.size, s.page_size, s.kind) for s in (a.segment(1), a.segment(2))] == \
        [(1, 16 * MB, 4 * KB, "local"), (2, 32 * MB, 64 * KB, "aperture")]
    with pytest.raises(dxgk.DdiError) as e:                # Zero needs ZeroInPteSupported
        a.map(None, 1, zero=True)
    assert e.value.status == dxgk.STATUS_INVALID_PARAMETER


def test_bad_descriptions_are_value_errors_with_the_reason():
    with pytest.raises(ValueError, match="VirtualAddressBitCount"):
        dxgk.Adapter(caps={"VirtualAddressBitCount": 40})
    with pytest.raises(ValueError, match="outside 2..6"):
        dxgk.Adapter(caps={"PageTableLevelCount": 9})
    with pytest.raises(ValueError, match="PageTableLevelCount is 4 but 3"):
        dxgk.Adapter(caps={"PageTableLevelCount": 4}, levels=[{}] * 3)
    with pytest.raises(ValueError, match="at most 31 segments"):
        dxgk.Adapter(segments=[dxgk.Segment(MB)] * 32)
    with pytest.raises(ValueError, match="kind"):
        dxgk.Adapter(segments=[dxgk.Segment(MB, kind="vram")])
    with pytest.raises(ValueError):                        # C rejects: not page-size multiple
        dxgk.Adapter(segments=[dxgk.Segment(MB + 1, 4 * KB)])


def test_wrong_description_types_are_type_errors():
    with pytest.raises(TypeError, match="caps"):
        dxgk.Adapter(caps=48)
    with pytest.raises(TypeError, match="NoSuchCap"):
        dxgk.Adapter(caps={"NoSuchCap": 1})
    with pytest.raises(TypeError, match=r"levels\[1\]"):
        dxgk.Adapter(levels=[{}, 9, {}, {}])
    with pytest.raises(TypeError, match=r"segments\[0\]"):
        dxgk.Adapter(segments=[(MB, 4096)])
    with pytest.raises(TypeError, match=r"segments\[0\]"):
        dxgk.Adapter(segments=[{"bytes": MB}])


def test_struct_descriptions_are_used_as_given():
    caps = dxgk.Adapter().caps
    caps.PageTableLevelCount = 2
    caps.VirtualAddressBitCount = 30
    lv = structs.DXGK_PAGE_TABLE_LEVEL_DESC(PageTableIndexBitCount=9, PageTableSegmentId=2,
                                            PagingProcessPageTableSegmentId=2,
                                            PageTableSizeInBytes=4096,
                                            PageTableAlignmentInBytes=4096)
    a = dxgk.Adapter(caps=caps, levels=[lv, lv])
    assert (a.stats().va_bits, a.segment(2).table_bytes > 0, a.segment(1).table_bytes) == \
        (30, True, 0)


# ---- process creation and its hook ------------------------------------------------------------


def test_hook_runs_during_creation_and_may_reserve():
    a = dxgk.Adapter()
    seen = {}

    def hook(p):
        seen["process"] = p
        seen["start"] = p.reserve(4 * MB, allow_user_mode_mapping=True)
        seen["stats"] = a.stats()

    p = a.create_process(on_create=hook)
    assert seen["process"] == p and seen["stats"].processes == 2
    (r,) = p.reservations()
    assert (r.va, r.size, r.kind, r.allow_user_mode_mapping) == \
        (seen["start"], 4 * MB, "reservation", True)
    with pytest.raises(dxgk.DdiError) as e:                 # only while being created
        p.reserve(2 * MB)
    assert e.value.status == dxgk.STATUS_INVALID_PARAMETER


def test_a_raising_hook_destroys_the_process_and_propagates(quiet_gc):
    a = dxgk.Adapter()
    live = dxgk.live_handles()
    made = []

    def hook(p):
        made.append(p)
        p.reserve(2 * MB)
        p.create_device()
        raise KeyError("driver says no")

    with pytest.raises(KeyError, match="driver says no"):
        a.create_process(on_create=hook)
    assert made[0].closed
    assert dxgk.live_handles() == live and a.stats().processes == 1
    a.validate()


def test_a_hook_fails_by_raising_and_its_return_value_is_ignored():
    a = dxgk.Adapter()
    # a VA with bit 31 set, returned by the hook (the README's own lambda), is no failure
    p = a.create_process(on_create=lambda p: p.reserve(2 * MB, base=0x8080000000))
    assert not p.closed and [r.va for r in p.reservations()] == [0x8080000000]
    for value in (dxgk.STATUS_NO_MEMORY, 0xFFFFFFFF, -1, "no", None):
        q = a.create_process(on_create=lambda p, v=value: v)
        assert not q.closed
    assert a.stats().processes == 7
    with pytest.raises(dxgk.DdiError) as e:                 # the way to fail with a status
        a.create_process(on_create=lambda p: (_ for _ in ()).throw(
            dxgk.DdiError(dxgk.STATUS_NO_MEMORY, "driver out of memory")))
    assert e.value.status == dxgk.STATUS_NO_MEMORY
    assert a.stats().processes == 7
    a.validate()


# ---- lifetimes ---------------------------------------------------------------------------------


def test_close_is_idempotent_and_later_use_raises_closed_error():
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    c.close()
    c.close()
    assert c.closed and not d.closed
    d.close()
    with pytest.raises(dxgk.ClosedError, match="Device"):
        d.create_context()
    p.close()
    p.close()
    for call in (p.create_device, p.mappings, p.reservations, p.page_table_stats,
                 lambda: p.reserve(2 * MB),
                 lambda: p.translate(0), lambda: p.translate_many([0]),
                 lambda: p.translate_many([])):
        with pytest.raises(dxgk.ClosedError, match="Process"):
            call()
    assert isinstance(dxgk.ClosedError("x"), ValueError)


def test_closing_an_adapter_closes_everything_in_it(quiet_gc):
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    sp = a.system_process
    h = a.create_allocation(MB, d)
    live = dxgk.live_handles()
    a.close()
    assert dxgk.live_handles() == live - 6      # adapter, 2 processes, device, context, alloc
    assert all(o.closed for o in (a, p, d, c, sp))
    for call in (a.stats, lambda: a.segment(1), a.validate, lambda: a.paging_log,
                 lambda: a.allocation(h), lambda: a.create_allocation(MB), a.create_process,
                 lambda: a.system_process, p.mappings, d.create_context,
                 lambda: c.create_allocation(MB)):
        with pytest.raises(dxgk.ClosedError):
            call()
    # closing children after their adapter is a no-op, and so is closing it again
    p.close()
    d.close()
    c.close()
    a.close()


def test_context_managers_close():
    with dxgk.Adapter() as a:
        with a.create_process() as p:
            with p.create_device() as d:
                with d.create_context() as c:
                    pass
                assert c.closed and not d.closed
            assert d.closed
        assert p.closed and not a.closed
    assert a.closed


def test_system_process_lives_as_long_as_its_adapter():
    a = dxgk.Adapter()
    sp = a.system_process
    assert sp.is_system and sp == a.system_process
    with pytest.raises(ValueError, match="system process"):
        sp.close()
    assert not sp.closed


def test_an_unreachable_adapter_is_destroyed_with_everything_in_it(quiet_gc):
    live = dxgk.live_handles()
    a = dxgk.Adapter()
    p = a.create_process()
    a.create_allocation(MB, p.create_device())
    assert dxgk.live_handles() == live + 5
    del a
    assert dxgk.live_handles() == live + 5           # p keeps its adapter alive
    p.create_device()
    del p                          # no reference cycle: released at once, gc not needed
    assert dxgk.live_handles() == live


def test_dropping_a_device_object_does_not_destroy_the_device():
    a = dxgk.Adapter()
    p = a.create_process()
    h = a.create_allocation(MB, p.create_device())   # the Device object is gone at once
    gc.collect()
    va = a.map(h, 1)
    assert p.translate(va).valid and a.stats().devices == 1


def test_finalizers_never_raise(monkeypatch):
    errors = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: errors.append(u))
    for _ in range(3):
        a = dxgk.Adapter()
        p = a.create_process()
        p.create_device().create_context()
        a.close()
        del a, p
        b = dxgk.Adapter()
        b.create_process().close()
        del b
    gc.collect()
    assert errors == []


def test_objects_compare_and_hash_by_handle():
    a = dxgk.Adapter()
    p = a.create_process()
    assert a.system_process == a.system_process and hash(a.system_process) == \
        hash(a.system_process)
    assert p != a.system_process and len({p, a.system_process, p}) == 2
    assert "Process" in repr(p) and f"{p.handle:#018x}" in repr(p)
    p.close()
    assert "closed" in repr(p)


# ---- translation ----------------------------------------------------------------------------


@pytest.fixture
def mapped():
    """A process with 4 KB, 64 KB, read-only, no-execute, Zero and NoAccess ranges."""
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    h4 = a.create_allocation(MB, d, segments=[2], flags={"Cached": 1})
    h64 = a.create_allocation(2 * MB, d, segments=[1])
    vas = [a.map(h4, 16, offset=3),
           a.map(h64, execute=True),
           a.map(h4, 4, write=False, base=0x40000000),
           a.map(h64, 16, offset=16, write=False, execute=False, base=0x7FFF0000),
           ]
    z = a.map(None, 8, zero=True)                 # Zero / NoAccess: the system process
    n = a.map(None, 8, no_access=True)
    return a, p, vas, (z, n)


def _probes(p):
    vas = []
    for m in p.mappings():
        vas += [*range(m.va - PAGE, m.end + PAGE, PAGE), m.va + 123, m.end - 1]
    return [*vas, 0, 1 << 47, (1 << 48) - 1, 1 << 48, (1 << 64) - 1]


def test_translate_and_translate_many_agree(mapped):
    a, p, _, _ = mapped
    for proc in (p, a.system_process):
        vas = _probes(proc)
        many = proc.translate_many(np.array(vas, dtype=np.uint64))
        assert many.shape == (len(vas),)
        for va, row in zip(vas, many, strict=True):
            t = proc.translate(va)
            assert (t.valid, t.zero, t.read_only, t.no_execute, t.segment, t.page_size,
                    t.address) == (bool(row["valid"]), bool(row["zero"]),
                                   bool(row["read_only"]), bool(row["no_execute"]),
                                   int(row["segment"]), int(row["page_size"]),
                                   int(row["address"])), hex(va)


def test_translate_many_dtype_shape_and_inputs(mapped):
    _a, p, vas, _ = mapped
    from dxgk.testing.pt import XLATE_DTYPE
    out = p.translate_many(np.array([[vas[0], vas[1]], [0, vas[2]]], dtype=np.uint64))
    assert out.dtype == XLATE_DTYPE and out.shape == (2, 2)
    assert out["valid"].tolist() == [[True, True], [False, True]]
    assert list(XLATE_DTYPE.names) == ["valid", "zero", "read_only", "no_execute", "segment",
                                       "page_size", "address"]
    assert p.translate_many([vas[0], vas[0] + 5])["address"].tolist() == \
        [p.translate(vas[0]).address, p.translate(vas[0]).address + 5]
    assert p.translate_many(np.array([vas[0]], dtype=np.int64))["valid"].all()
    assert p.translate_many(np.array([], dtype=np.uint64)).shape == (0,)
    with pytest.raises(ValueError, match="negative"):
        p.translate_many([-4096])
    with pytest.raises(TypeError, match="integer"):
        p.translate_many(np.array([1.5]))


def test_translate_reports_the_walk_level_by_level(mapped):
    a, p, vas, _ = mapped
    va = vas[0] + 0x123
    t = p.translate(va)
    assert t.valid and t.va == va and t.page_size == 4096 and t.segment == 2
    assert [lv.level for lv in t.levels] == [3, 2, 1, 0]
    for lv, shift in zip(t.levels, (39, 30, 21, 12), strict=True):
        assert lv.index == (va >> shift) & 0x1FF
        assert isinstance(lv.pte, structs.DXGK_PTE) and lv.pte.Valid == 1
        level, index, pte = lv                               # unpacks as a triple
        assert (level, index, pte) == (lv.level, lv.index, lv.pte)
        assert tuple(lv[i] for i in range(3)) == (level, index, pte) and len(lv) == 3
    # each entry points at the next table
    for upper, lower in zip(t.levels, t.levels[1:], strict=False):
        assert upper.pte.PageTableAddress == lower.table_address
        assert upper.pte.Segment == lower.table_segment == 1
    leaf = t.levels[-1].pte
    info = a.allocation(p.mappings()[0].allocation)
    assert leaf.PageAddress + 0x123 == t.address == info.segment_offset + 3 * PAGE + 0x123
    assert (leaf.Segment, leaf.CacheCoherent, leaf.ReadOnly, leaf.NoExecute) == (2, 1, 0, 1)
    assert not p.translate(0).valid and p.translate(0).levels[0].level == 3


def test_translate_outside_the_address_space_is_invalid(mapped):
    _a, p, _, _ = mapped
    t = p.translate(1 << 48)
    assert (t.valid, t.levels) == (False, ())


def test_64k_and_zero_translations(mapped):
    a, p, vas, (z, n) = mapped
    t = p.translate(vas[3])                # alone in its leaf table: 64 KB entries
    assert (t.page_size, t.segment, t.no_execute, t.read_only) == (65536, 1, True, True)
    assert t.levels[-2].pte.PageTablePageSize == 1
    sp = a.system_process
    assert sp.translate(z).zero and sp.translate(z).valid
    assert not sp.translate(n).valid


# ---- inspection records ------------------------------------------------------------------------


def test_mappings_in_address_order_with_their_fields(mapped):
    a, p, vas, (_z, _n) = mapped
    ms = p.mappings()
    assert [m.va for m in ms] == sorted(vas)
    m = next(m for m in ms if m.va == vas[0])
    assert (m.size, m.kind, m.offset_pages, m.protection, m.write, m.execute) == \
        (16 * PAGE, "map", 3, 1, True, False)
    assert [(m.kind, m.allocation, m.size) for m in a.system_process.mappings()] == \
        [("zero", 0, 8 * PAGE), ("noaccess", 0, 8 * PAGE)]
    assert p.reservations() == []


def test_many_ranges_are_all_listed():
    a = dxgk.Adapter()
    p = a.create_process()
    h = a.create_allocation(MB, p.create_device(), segments=[2])
    vas = [a.map(h, 1, offset=i % 256, driver_protection=i) for i in range(150)]
    ms = p.mappings()
    assert [m.va for m in ms] == sorted(vas) and len(ms) == 150
    assert sorted(m.driver_protection for m in ms) == list(range(150))


def test_allocation_info_and_foreign_handles():
    a, b = dxgk.Adapter(), dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    c = d.create_context()
    h = c.create_allocation(100 * KB, segments=0b10, map_va=True, driver_allocation=7,
                            flags={"Cached": 1})
    info = a.allocation(h)
    assert (info.handle, info.process, info.device, info.context, info.driver_allocation,
            info.segment, info.size, info.pages, info.mapping_count) == \
        (h, p.handle, d.handle, c.handle, 7, 2, 100 * KB, 25, 1)
    assert info.va != 0 and info.flags == 4 and info.context_flags == 2
    for bad in (h, p.handle, 0):
        with pytest.raises(dxgk.DdiError) as e:
            b.allocation(bad)
        assert e.value.status == dxgk.STATUS_INVALID_HANDLE
    a.destroy_allocation(h)
    with pytest.raises(dxgk.DdiError):
        a.allocation(h)


def test_paging_log_keeps_a_copy_of_the_private_data():
    a = dxgk.Adapter()
    h = a.create_allocation(MB)
    buf = bytearray(b"first")
    a.update_allocation(h, buf)
    buf[:] = b"XXXXX"
    a.update_allocation(h)
    data = (ctypes.c_uint8 * 300)(*range(256), *range(44))
    args = structs.DXGKARGCB_UPDATECONTEXTALLOCATION(
        hAllocation=h, pPrivateDriverData=ctypes.addressof(data), PrivateDriverDataSize=300)
    assert dxgk.DxgkCbUpdateContextAllocation(a, args) == dxgk.STATUS_SUCCESS
    log = [r for r in a.paging_log if r.operation == "UPDATE_CONTEXT_ALLOCATION"]
    assert [(r.operation, r.allocation) for r in log] == [("UPDATE_CONTEXT_ALLOCATION", h)] * 3
    assert [r.sequence for r in log] == sorted({r.sequence for r in log})   # in call order
    assert [r.data for r in log] == [b"first", b"", bytes(data)]
    assert a.stats().paging_records == 3


def test_page_table_stats_and_segment_usage(mapped):
    a, p, _, _ = mapped
    st = p.page_table_stats()
    assert len(st.tables) == 4 and st.tables[3] == 1
    assert st.table_bytes == p.page_table_stats().table_bytes > 0
    s1 = a.segment(1)
    assert s1.used_bytes >= s1.table_bytes >= st.table_bytes and s1.free_bytes < s1.size
    with pytest.raises(ValueError, match="no segment 3"):
        a.segment(3)
    a.validate()


# ---- DDI conveniences ------------------------------------------------------------------------


def test_create_allocation_segment_choices_and_errors():
    a = dxgk.Adapter()
    assert a.allocation(a.create_allocation(4 * KB, segments=[2])).segment == 2
    assert a.allocation(a.create_allocation(4 * KB, segments=0b01)).segment == 1
    assert a.allocation(a.create_allocation(4 * KB, preferred=[2])).segment == 2
    assert a.allocation(a.create_allocation(4 * KB)).segment == 1        # default: all, by id
    with pytest.raises(dxgk.DdiError) as e:
        a.create_allocation(2 * GB)
    assert e.value.status == dxgk.STATUS_NO_MEMORY and "STATUS_NO_MEMORY" in str(e.value)
    with pytest.raises(ValueError, match="five"):
        a.create_allocation(4 * KB, preferred=[1, 2, 1, 2, 1, 2])


def test_map_convenience_defaults_and_failures():
    a = dxgk.Adapter()
    p = a.create_process()
    h = a.create_allocation(64 * KB, p.create_device(), segments=[2])
    va = a.map(h)                                           # the whole allocation
    (m,) = p.mappings()
    assert (m.va, m.size, m.protection) == (va, 64 * KB, 1)
    with pytest.raises(dxgk.DdiError) as e:
        a.map(h, 1, base=va)
    assert e.value.status == dxgk.STATUS_CONFLICTING_ADDRESSES
    assert dxgk.last_status() == dxgk.STATUS_CONFLICTING_ADDRESSES
    with pytest.raises(ValueError, match="pages="):
        a.map(None, zero=True)
    assert a.map(h, 2, offset=14, protection=3, base=0x10000000) == 0x10000000
    assert p.mappings()[-1].protection == 3


def test_destroy_and_update_convenience_raise_ddi_errors():
    a = dxgk.Adapter()
    with pytest.raises(dxgk.DdiError) as e:
        a.destroy_allocation(0x1234)
    assert e.value.status == dxgk.STATUS_INVALID_HANDLE
    with pytest.raises(dxgk.DdiError):
        a.update_allocation(0x1234, b"x")


def test_interface_table():
    a = dxgk.Adapter()
    i = a.interface()
    assert isinstance(i, structs.DXGKRNL_INTERFACE)
    assert (i.Size, i.Version, i.DeviceHandle) == (ctypes.sizeof(i), 0x11007, a.handle)
    family = ("DxgkCbCreateContextAllocation", "DxgkCbDestroyContextAllocation",
              "DxgkCbMapContextAllocation", "DxgkCbUpdateContextAllocation",
              "DxgkCbReserveGpuVirtualAddressRange")
    for name in i._dxgk_members_:
        if name.startswith("DxgkCb"):
            assert (getattr(i, name) != 0) == (name in family), name
    # the pointers are real: call Map through the table with ctypes
    proto = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p,
                             ctypes.POINTER(structs.DXGKARGCB_MAPCONTEXTALLOCATION))
    fn = proto(i.DxgkCbMapContextAllocation)
    h = a.create_allocation(MB, segments=[2])
    args = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=1)
    va = fn(i.DeviceHandle, ctypes.byref(args))
    assert va != 0 and a.system_process.translate(va).valid


# ---- the demo --------------------------------------------------------------------------------


def test_demo_shows_a_map_its_walk_and_a_failure(capsys, quiet_gc):
    from dxgk.demo import run_demo

    live = dxgk.live_handles()
    assert run_demo() == 0
    out = capsys.readouterr().out
    assert "-> STATUS_SUCCESS, hAllocation = 0x" in out
    assert "+18  " in out and "hAllocation" in out                  # the annotated bytes
    assert "last_status() = STATUS_SUCCESS" in out
    assert [ln.split()[0] for ln in out.splitlines() if ln.startswith("          ")
            and ln.split()[0].isdigit()] == ["3", "2", "1", "0"]   # the walk, root first
    assert "STATUS_CONFLICTING_ADDRESSES (0xc0000018)" in out
    # the user-mode round trip (docs/behaviour.md 9): queued, executed, updated, freed
    assert "D3DKMTMapGpuVirtualAddress(tiles 2-4 at va)     -> STATUS_PENDING, " \
           "PagingFenceValue 2" in out
    seen = [ln.rsplit(":", 1)[1].split() for ln in out.splitlines()
            if "the GPU sees" in ln or "PagingQueue.execute" in ln or "VADs left" in ln]
    assert seen == [["-"] * 8, ["-"] * 3 + ["z"] * 5, ["2", "3", "4"] + ["z"] * 5,
                    ["2", "3", "4", "z", "z", "f", "2", "3"], ["-"] * 8]
    assert len(out.splitlines()) < 120
    assert dxgk.live_handles() == live                               # it cleans up
