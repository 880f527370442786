"""Shared pieces of the trace tests: a small random-program interpreter that drives the
model and the facade (the thing a recorder must capture), and a comparison of the final
state of two runs through the symbolic names."""

from __future__ import annotations

import ctypes
from typing import Any

from dxgk._core import lib

import dxgk
from dxgk import structs, trace

KB, MB, GB, PAGE = 1 << 10, 1 << 20, 1 << 30, 4096
LEAF = 2 * MB


class Program:
    """Executes a list of (op, a, b, c) tuples against one adapter. Every choice is taken
    from the tuple, modulo what exists, so any list is a valid program; failures are
    part of the program (they must be recorded and replayed as failures too)."""

    def __init__(self) -> None:
        self.adapter = dxgk.Adapter(segments=[dxgk.Segment(256 * MB, 65536, "local"),
                                              dxgk.Segment(256 * MB, 4096, "aperture")])
        self.processes: list[Any] = [self.adapter.system_process]
        self.devices: list[Any] = []
        self.contexts: list[Any] = []
        self.allocs: list[int] = []
        self.pages: dict[int, int] = {}
        self.dead: list[int] = []
        self.data = (ctypes.c_ubyte * 32)(*range(32))

    def run(self, ops: list[tuple[int, int, int, int]]) -> None:
        for op in ops:
            self.step(*op)

    def step(self, op: int, a: int, b: int, c: int) -> None:
        A = self.adapter
        kind = op % 12
        if kind == 0:                                       # a process (with reservations)
            def hook(p: Any) -> int:
                for i in range(a % 3):
                    args = structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(
                        hDxgkProcess=p.handle, SizeInBytes=(1 + (b + i) % 4) * LEAF
                        + (PAGE if c % 7 == 6 else 0),
                        Alignment=(0, LEAF, 64 * MB)[(c + i) % 3],
                        BaseAddress=((c + i) % 5) << 40 if c % 2 else 0,
                        Flags=i & 1)
                    dxgk.DxgkCbReserveGpuVirtualAddressRange(A.handle, args)
                if c % 11 == 10:                            # the driver refuses the process
                    raise dxgk.DdiError(dxgk.STATUS_NO_MEMORY, "refused by the hook")
                return args.StartVirtualAddress if a % 3 else 0  # ignored, bit 31 or not
            try:
                self.processes.append(A.create_process(on_create=hook))
            except dxgk.DdiError:
                pass
        elif kind == 1 and len(self.processes) > 1:       # close a process
            self.processes.pop(1 + a % (len(self.processes) - 1)).close()
        elif kind == 2:                                     # a device (+ a context)
            d = self.processes[a % len(self.processes)].create_device()
            self.devices.append(d)
            if b % 2:
                self.contexts.append(d.create_context())
        elif kind in (3, 4, 5):                             # an allocation
            dev = self.devices[a % len(self.devices)] if self.devices and a % 4 else None
            ctx = None
            if dev is not None and self.contexts and b % 3 == 0:
                same = [x for x in self.contexts if x.device == dev]
                ctx = same[0] if same else None
            args = structs.DXGKARGCB_CREATECONTEXTALLOCATION(
                hAdapter=A.handle, hDevice=dev.handle if dev else 0,
                hContext=ctx.handle if ctx else 0, Size=(1 + b % 40) * PAGE * (1 + c % 3),
                SupportedSegmentSet=1 + c % 3)
            args.ContextAllocationFlags.MapGpuVirtualAddress = int(c % 5 == 0)
            args.Flags.Cached = int(b % 2)
            if c % 9 == 8:                                  # the bytearray form
                buf = bytearray(bytes(args))
                st = dxgk.DxgkCbCreateContextAllocation(buf)
                h = structs.DXGKARGCB_CREATECONTEXTALLOCATION.from_buffer(buf).hAllocation
            else:
                st = dxgk.DxgkCbCreateContextAllocation(args)
                h = args.hAllocation
            if st == 0:
                self.allocs.append(int(h))
                self.pages[int(h)] = args.Size // PAGE
        elif kind in (6, 7, 8):                             # a map
            h = self.allocs[a % len(self.allocs)] if self.allocs and b % 8 else 0
            n = self.pages.get(h, 64)
            off = (c % n) if b % 3 == 0 else 0
            pages = 1 + b % (n - off) + (n if c % 17 == 16 else 0)   # sometimes too many
            m = structs.DXGKARGCB_MAPCONTEXTALLOCATION(hAllocation=h, SizeInPages=pages,
                                                       OffsetInPages=off)
            m.Protection.Value = (1, 3, 0, 5, 9)[c % 5] if h else (4, 8)[c % 2]
            mode = (a + c) % 4
            if mode == 1:
                m.BaseAddress = (1 << 32) + (b % 64) * 64 * KB + (PAGE if c % 13 == 12 else 0)
            elif mode == 2:
                m.MinimumAddress = (1 + a % 8) * GB
                m.MaximumAddress = m.MinimumAddress + (1 + c % 4) * 64 * MB
            m.DriverProtection = c
            if c % 10 == 9:
                dxgk.DxgkCbMapContextAllocation(A.handle, bytearray(bytes(m)))
            else:
                dxgk.DxgkCbMapContextAllocation(A, m)        # an Adapter object as hAdapter
        elif kind == 9 and self.allocs:                     # destroy (sometimes a stale one)
            if self.dead and b % 5 == 0:
                dxgk.DxgkCbDestroyContextAllocation(A.handle, self.dead[a % len(self.dead)])
            else:
                h = self.allocs.pop(a % len(self.allocs))
                dxgk.DxgkCbDestroyContextAllocation(A.handle, h)
                self.dead.append(h)
        elif kind == 10 and self.allocs:                    # update
            n = b % 33
            u = structs.DXGKARGCB_UPDATECONTEXTALLOCATION(
                hAllocation=self.allocs[a % len(self.allocs)],
                pPrivateDriverData=ctypes.addressof(self.data) if n or c % 2 else 0,
                PrivateDriverDataSize=n if c % 3 else 0)
            dxgk.DxgkCbUpdateContextAllocation(A.handle, u)
        elif kind == 11:                                    # odd calls
            if a % 3 == 0:
                dxgk.DxgkCbMapContextAllocation(A.handle, None)
            elif a % 3 == 1 and self.devices:
                d = self.devices.pop(b % len(self.devices))
                self.contexts = [x for x in self.contexts if x.device != d]
                d.close()
            else:                                           # reserve outside creation
                r = structs.DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE(
                    hDxgkProcess=self.processes[-1].handle, SizeInBytes=LEAF)
                dxgk.DxgkCbReserveGpuVirtualAddressRange(A.handle, r)


def state_by_name(processes: dict[str, int], names: dict[int, str]) -> dict[str, Any]:
    """Every live process's mappings and reservations (allocation handles as names) and
    page-table statistics: comparable between an original run and a replay."""
    out: dict[str, Any] = {}
    for pname, ph in processes.items():
        if lib.dxgk_vm_handle_type(ph) != lib.DXGK_VM_T_PROCESS:
            continue
        ranges = trace.process_ranges(ph, lib.DXGK_VM_WANT_MAPPINGS
                                      | lib.DXGK_VM_WANT_RESERVATIONS)
        out[pname] = (
            [(r.kind, r.va, r.size, names.get(getattr(r, "allocation", 0), 0),
              getattr(r, "offset_pages", 0), getattr(r, "protection", 0),
              getattr(r, "driver_protection", 0), getattr(r, "flags", 0)) for r in ranges],
            trace.page_table_stats(ph))
    return out
