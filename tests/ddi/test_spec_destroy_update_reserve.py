"""docs/behaviour.md section 6: DxgkCbDestroyContextAllocation, DxgkCbUpdateContextAllocation and
DxgkCbReserveGpuVirtualAddressRange, one test per rule and per failure."""

from __future__ import annotations

import ctypes
from types import SimpleNamespace

import numpy as np
import pytest

import dxgk

try:
    from . import spec_helpers as H
except ImportError:
    import spec_helpers as H

KB, MB, GB, PAGE = H.KB, H.MB, H.GB, H.PAGE
R1 = H.ROOT_ENTRY_1                    # 2^39: the VA of root entry 1 (defaults)


@pytest.fixture
def env():
    a = dxgk.Adapter()
    p = a.create_process()
    d = p.create_device()
    return SimpleNamespace(a=a, p=p, d=d)


# ---- Destroy -------------------------------------------------------------------------


def test_6_destroy_unmaps_every_va_of_the_allocation(env):
    a, p = env.a, env.p
    keep = H.create_allocation(a, env.d, size=MB, segments=0b10)
    kv = H.map_va(a, keep, 16, base=4 * MB)
    h = H.create_allocation(a, env.d, size=MB, segments=0b01, map_va=True)
    vas = [a.allocation(h).va, H.map_va(a, h, 16, base=GB), H.map_va(a, h, 3, offset=7),
           H.map_va(a, h, 1, base=kv + 16 * PAGE)]      # shares a leaf table with `keep`
    assert len(p.mappings()) == 5
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    assert [m.allocation for m in p.mappings()] == [keep]
    x = p.translate_many(np.array(vas, dtype=np.uint64))
    assert not x["valid"].any()
    assert p.translate(kv).valid and p.translate(kv + 15 * PAGE).valid
    a.validate()


def test_6_destroy_frees_segment_range_and_tables_back_to_before(env):
    a, p = env.a, env.p
    before = H.snapshot(a, [p], log=False)
    h = H.create_allocation(a, env.d, size=3 * MB, segments=0b01, map_va=True)
    H.map_va(a, h, 5, base=5 << 39)
    hs = H.create_allocation(a, None, size=MB, segments=0b10, map_va=True)
    assert a.segment(1).used_bytes > before["segments"][0]["used_bytes"]
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, hs))
    H.assert_unchanged(before, H.snapshot(a, [p], log=False))
    # the freed range is usable again: the whole of segment 2
    h = H.create_allocation(a, env.d, size=GB, segments=0b10)
    assert a.allocation(h).segment_offset == 0


def test_6_destroy_kills_the_handle(env):
    a = env.a
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    H.map_va(a, h, 1)
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    H.expect_fail(a, lambda: dxgk.DxgkCbDestroyContextAllocation(a.handle, h),
                  H.INVALID_HANDLE, processes=[env.p])
    H.expect_map_fail(a, H.map_args(h, 1), H.INVALID_HANDLE, processes=[env.p])
    H.expect_fail(a, lambda: dxgk.DxgkCbUpdateContextAllocation(a.handle, H.update_args(h)),
                  H.INVALID_HANDLE, processes=[env.p])


def test_6_destroy_unknown_handle_is_invalid_handle(env):
    a = env.a
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    H.map_va(a, h, 4)
    b = dxgk.Adapter()
    hb = H.create_allocation(b, size=MB, segments=0b10)
    for bad in (0, H.BOGUS_HANDLE, hb, env.p.handle, env.d.handle, a.handle):
        H.expect_fail(a, lambda bad=bad: dxgk.DxgkCbDestroyContextAllocation(a.handle, bad),
                      H.INVALID_HANDLE, processes=[env.p], allocations=[h])
    for bad in (0, H.BOGUS_HANDLE, b.handle, env.p.handle):
        H.expect_fail(a, lambda bad=bad: dxgk.DxgkCbDestroyContextAllocation(bad, h),
                      H.INVALID_HANDLE, processes=[env.p], allocations=[h])
    # the other adapter's allocation is untouched too
    assert b.allocation(hb).size == MB


# ---- Update --------------------------------------------------------------------------


def test_6_update_records_paging_operation_with_a_copy_of_the_data(env):
    a = env.a
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    H.map_va(a, h, 4)
    # the first update also maps it in the system process (10.2); every later one is
    # one operation that changes nothing else
    H.ok(dxgk.DxgkCbUpdateContextAllocation(a.handle, H.update_args(h)))
    before = H.snapshot(a, [env.p])
    buf = (ctypes.c_ubyte * 24)(*range(1, 25))
    H.ok(dxgk.DxgkCbUpdateContextAllocation(a.handle, H.update_args(h, buf)))
    buf[0] = 0xEE                                           # the log keeps its own copy
    log = list(a.paging_log)
    assert len(log) == len(before["paging_log"]) + 1            # one operation, no PTE change
    rec = log[-1]
    assert rec.allocation == h
    assert rec.operation == "UPDATE_CONTEXT_ALLOCATION"
    assert bytes(rec.data) == bytes(range(1, 25))
    # it changes no mapping, table, segment or allocation
    after = H.snapshot(a, [env.p])
    for key in ("processes", "segments", "allocations", "live_handles"):
        assert after[key] == before[key], key


def test_6_update_with_both_data_fields_empty_succeeds(env):
    a = env.a
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    H.ok(dxgk.DxgkCbUpdateContextAllocation(a.handle, H.update_args(h)))
    rec = list(a.paging_log)[-1]
    assert rec.allocation == h and bytes(rec.data) == b""
    # sequence: each update is one more record, in call order
    buf = (ctypes.c_ubyte * 4)(9, 8, 7, 6)
    H.ok(dxgk.DxgkCbUpdateContextAllocation(a.handle, H.update_args(h, buf)))
    assert [bytes(r.data) for r in H.uca_records(a)] == [b"", b"\x09\x08\x07\x06"]


def test_6_update_data_pointer_and_size_must_be_both_set_or_both_empty(env):
    a = env.a
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    buf = (ctypes.c_ubyte * 16)()
    for args in (H.update_args(h, buf, size=0), H.update_args(h, None, size=16)):
        H.expect_fail(a, lambda args=args: dxgk.DxgkCbUpdateContextAllocation(a.handle, args),
                      H.INVALID_PARAMETER, processes=[env.p], allocations=[h])


def test_6_update_unknown_handle_is_invalid_handle(env):
    a = env.a
    h = H.create_allocation(a, env.d, size=MB, segments=0b10)
    hb = H.create_allocation(dxgk.Adapter(), size=MB, segments=0b10)
    buf = (ctypes.c_ubyte * 8)()
    for bad in (0, H.BOGUS_HANDLE, hb, env.d.handle):
        args = H.update_args(bad, buf)
        H.expect_fail(a, lambda args=args: dxgk.DxgkCbUpdateContextAllocation(a.handle, args),
                      H.INVALID_HANDLE, processes=[env.p], allocations=[h])
    args = H.update_args(h, buf)
    H.expect_fail(a, lambda: dxgk.DxgkCbUpdateContextAllocation(H.BOGUS_HANDLE, args),
                  H.INVALID_HANDLE, processes=[env.p], allocations=[h])
    # handle errors come before the data check
    bad = H.update_args(H.BOGUS_HANDLE, buf, size=0)
    H.expect_fail(a, lambda: dxgk.DxgkCbUpdateContextAllocation(a.handle, bad),
                  H.INVALID_HANDLE, processes=[env.p], allocations=[h])


# ---- Reserve -------------------------------------------------------------------------


def create_with(a, fn):
    """Creates a process whose on_create hook runs fn(process) -- inside "process
    creation" -- and re-raises anything it raised (assertions included)."""
    errors = []

    def hook(proc):
        try:
            fn(proc)
        except BaseException as e:          # noqa: BLE001 -- re-raised below
            errors.append(e)

    p = a.create_process(on_create=hook)
    if errors:
        raise errors[0]
    return p


def reserve(a, args, h_adapter=None):
    return dxgk.DxgkCbReserveGpuVirtualAddressRange(
        a.handle if h_adapter is None else h_adapter, args)


def reserve_ok(a, proc, size=2 * MB, **kw):
    args = H.reserve_args(proc, size, **kw)
    H.ok(reserve(a, args))
    return args.StartVirtualAddress


def reserve_fail(a, proc, args, status, h_adapter=None):
    H.expect_fail(a, lambda: reserve(a, args, h_adapter), status, processes=[proc])


def test_6_reserve_writes_start_virtual_address_at_lowest_fit_above_root_entry_0():
    a = dxgk.Adapter()
    seen = []

    def fn(proc):
        for size in (2 * MB, 4 * MB, 2 * MB):
            args = H.reserve_args(proc, size)
            args.StartVirtualAddress = 0xFFFF
            H.ok(reserve(a, args))
            seen.append(args.StartVirtualAddress)

    p = create_with(a, fn)
    assert seen == [R1, R1 + 2 * MB, R1 + 6 * MB]
    rs = p.reservations()
    assert [(r.va, r.size) for r in rs] == [(R1, 2 * MB), (R1 + 2 * MB, 4 * MB),
                                            (R1 + 6 * MB, 2 * MB)]
    assert p.mappings() == []


def test_6_reserve_outside_process_creation_is_invalid_parameter(env):
    a, p = env.a, env.p
    for proc in (p, a.system_process):
        reserve_fail(a, p, H.reserve_args(proc, 2 * MB), H.INVALID_PARAMETER)
        reserve_fail(a, p, H.reserve_args(proc, 2 * MB, base=R1), H.INVALID_PARAMETER)
    # the same call inside the hook succeeds
    create_with(a, lambda proc: reserve_ok(a, proc))


def test_6_reserve_hdxgkprocess_must_be_the_process_being_created(env):
    a, other = env.a, env.p
    ob = dxgk.Adapter().create_process()

    def fn(proc):
        # [choice] (vidmm.c, dxgk_vm_reserve): any hDxgkProcess that is not the process
        # being created -- another one, another adapter's, forged, 0, not a process --
        # is INVALID_PARAMETER ("at any other time"); only a bad hAdapter is INVALID_HANDLE
        for h, status in [(other.handle, H.INVALID_PARAMETER),
                          (a.system_process.handle, H.INVALID_PARAMETER),
                          (ob.handle, H.INVALID_PARAMETER),
                          (H.BOGUS_HANDLE, H.INVALID_PARAMETER),
                          (0, H.INVALID_PARAMETER),
                          (env.d.handle, H.INVALID_PARAMETER)]:
            H.expect_fail(a, lambda h=h: reserve(a, H.reserve_args(size=2 * MB, h_process=h)),
                          status, processes=[proc, other])

    create_with(a, fn)
    assert other.reservations() == []


def test_6_reserve_unknown_hadapter_is_invalid_handle():
    a = dxgk.Adapter()
    b = dxgk.Adapter()

    def fn(proc):
        for bad in (0, H.BOGUS_HANDLE, proc.handle, b.system_process.handle):
            reserve_fail(a, proc, H.reserve_args(proc, 2 * MB), H.INVALID_HANDLE, h_adapter=bad)
        # [choice] (vidmm.c): another live adapter is a good hAdapter, but the process is
        # not one being created *there*: STATUS_INVALID_PARAMETER
        reserve_fail(a, proc, H.reserve_args(proc, 2 * MB), H.INVALID_PARAMETER,
                     h_adapter=b.handle)
        H.expect_fail(b, lambda: reserve(b, H.reserve_args(proc, 2 * MB)),
                      H.INVALID_PARAMETER)

    create_with(a, fn)


def test_6_reserve_size_zero_or_not_a_multiple_of_leaf_coverage_is_invalid_parameter():
    a = dxgk.Adapter()

    def fn(proc):
        for size in (0, PAGE, 64 * KB, MB, 2 * MB + PAGE, 3 * MB, 2**64 - 2 * MB + 1):
            reserve_fail(a, proc, H.reserve_args(proc, size), H.INVALID_PARAMETER)
        assert reserve_ok(a, proc, 6 * MB) == R1

    create_with(a, fn)


def test_6_reserve_alignment_not_power_of_two_is_invalid_parameter():
    a = dxgk.Adapter()

    def fn(proc):
        for al in (3, 0x300000, 2 * MB + PAGE, 0xFFFFFFFF):
            reserve_fail(a, proc, H.reserve_args(proc, 2 * MB, alignment=al),
                         H.INVALID_PARAMETER)

    create_with(a, fn)


def test_6_reserve_aligned_to_max_of_alignment_and_leaf_coverage():
    a = dxgk.Adapter()
    got = []

    def fn(proc):
        got.append(reserve_ok(a, proc, 2 * MB, alignment=PAGE))      # small -> 2 MB
        got.append(reserve_ok(a, proc, 2 * MB, alignment=GB))        # -> next 1 GiB
        got.append(reserve_ok(a, proc, 2 * MB, alignment=0))         # back to lowest fit
        got.append(reserve_ok(a, proc, 2 * MB, alignment=1 << 31))   # largest UINT power
        got.append(reserve_ok(a, proc, 2 * MB, alignment=64 * KB))

    create_with(a, fn)
    assert got == [R1, R1 + GB, R1 + 2 * MB, R1 + 2 * GB, R1 + 4 * MB]


def test_6_reserve_base_address_exactly_there():
    a = dxgk.Adapter()
    got = []

    def fn(proc):
        got.append(reserve_ok(a, proc, 4 * MB, base=R1 + 10 * MB))
        got.append(reserve_ok(a, proc, 2 * MB, base=3 << 40, alignment=GB))
        got.append(reserve_ok(a, proc, 2 * MB, base=(1 << 48) - 2 * MB))   # the top
        got.append(reserve_ok(a, proc, 2 * MB))                            # lowest fit
        got.append(reserve_ok(a, proc, 10 * MB))                           # skips it

    p = create_with(a, fn)
    assert got == [R1 + 10 * MB, 3 << 40, (1 << 48) - 2 * MB, R1, R1 + 14 * MB]
    assert [r.va for r in p.reservations()] == sorted(got)


def test_6_reserve_base_address_misaligned_is_invalid_parameter():
    a = dxgk.Adapter()

    def fn(proc):
        for base, al in [(R1 + PAGE, 0), (R1 + MB, 0), (R1 + 64 * KB, 64 * KB),
                         (R1 + 2 * MB, GB), (R1 + 6 * MB, 4 * MB)]:
            reserve_fail(a, proc, H.reserve_args(proc, 2 * MB, base=base, alignment=al),
                         H.INVALID_PARAMETER)

    create_with(a, fn)


def test_6_reserve_base_address_not_free_is_conflicting_addresses():
    a = dxgk.Adapter()

    def fn(proc):
        s = reserve_ok(a, proc, 4 * MB, base=R1 + 8 * MB)
        for base, size in [(s, 2 * MB), (s + 2 * MB, 2 * MB), (s - 2 * MB, 4 * MB),
                           (s - 2 * MB, 8 * MB)]:
            reserve_fail(a, proc, H.reserve_args(proc, size, base=base), H.CONFLICTING)
        assert reserve_ok(a, proc, 2 * MB, base=s - 2 * MB) == s - 2 * MB
        assert reserve_ok(a, proc, 2 * MB, base=s + 4 * MB) == s + 4 * MB

    create_with(a, fn)


def test_6_reserve_never_in_root_entry_0():
    a = dxgk.Adapter()

    def fn(proc):
        for base in (2 * MB, R1 - 2 * MB, GB):
            reserve_fail(a, proc, H.reserve_args(proc, 2 * MB, base=base),
                         H.INVALID_PARAMETER)
        reserve_fail(a, proc, H.reserve_args(proc, 4 * MB, base=R1 - 2 * MB),
                     H.INVALID_PARAMETER)
        assert reserve_ok(a, proc, 2 * MB, alignment=1 << 31) == R1

    create_with(a, fn)


def test_6_reserve_outside_va_space_is_invalid_parameter_no_room_is_no_memory():
    a = dxgk.Adapter()
    top = 1 << 48

    def fn(proc):
        reserve_fail(a, proc, H.reserve_args(proc, 2 * MB, base=top), H.INVALID_PARAMETER)
        reserve_fail(a, proc, H.reserve_args(proc, 4 * MB, base=top - 2 * MB),
                     H.INVALID_PARAMETER)
        reserve_fail(a, proc, H.reserve_args(proc, 2 * MB, base=2**64 - 2 * MB),
                     H.INVALID_PARAMETER)
        # larger than all the VA above root entry 0: can never fit, a parameter error
        reserve_fail(a, proc, H.reserve_args(proc, top - R1 + 2 * MB), H.INVALID_PARAMETER)
        assert reserve_ok(a, proc, top - R1) == R1                  # exactly all of it
        # no room left now: NO_MEMORY, with or without BaseAddress the range is not free
        reserve_fail(a, proc, H.reserve_args(proc, 2 * MB), H.NO_MEMORY)
        reserve_fail(a, proc, H.reserve_args(proc, 2 * MB, base=R1 + GB), H.CONFLICTING)

    create_with(a, fn)


def test_6_reserved_ranges_are_initialised_invalid_and_stay_the_drivers():
    a = dxgk.Adapter()
    got = []

    def fn(proc):
        got.append(reserve_ok(a, proc, 8 * MB))

    p = create_with(a, fn)
    s = got[0]
    x = p.translate_many(np.arange(s, s + 8 * MB, 64 * KB, dtype=np.uint64))
    assert not x["valid"].any()
    (r,) = p.reservations()
    assert (r.va, r.size) == (s, 8 * MB)
    # lowest fit never hands it out, a BaseAddress map into it conflicts
    h = H.create_allocation(a, p.create_device(), size=16 * MB, segments=0b10)
    assert H.map_va(a, h, 16, minimum=s) == s + 8 * MB
    H.expect_map_fail(a, H.map_args(h, 1, base=s + MB), H.CONFLICTING, processes=[p],
                      allocations=[h])
    # still there after mappings come and go
    H.ok(dxgk.DxgkCbDestroyContextAllocation(a.handle, h))
    assert [(r.va, r.size) for r in p.reservations()] == [(s, 8 * MB)]


def test_6_reserve_keeps_allow_user_mode_mapping_flag():
    a = dxgk.Adapter()

    def fn(proc):
        args = H.reserve_args(proc, 2 * MB)
        args.AllowUserModeMapping = 1
        H.ok(reserve(a, args))
        reserve_ok(a, proc, 2 * MB)

    p = create_with(a, fn)
    assert [r.flags for r in p.reservations()] == [1, 0]


def test_6_reserve_in_a_failed_process_creation_leaves_nothing():
    a = dxgk.Adapter()
    before = H.snapshot(a, log=False)

    def hook(proc):
        reserve_ok(a, proc, 4 * MB)
        raise RuntimeError("driver refused the process")

    with pytest.raises(RuntimeError, match="refused"):
        a.create_process(on_create=hook)
    H.assert_unchanged(before, H.snapshot(a, log=False))
