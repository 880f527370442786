"""A shadow GpuMmu for the paging-stream suites (docs/behaviour.md 10.2).

`Shadow` replays the UPDATE_PAGE_TABLE and FLUSH_TLB operations of one process, in
sequence order, onto tables of its own -- the way a driver's page-table code would apply
them -- and checks the stream's ordering rules while it does: a table is written only
after its initialisation, an upper entry names only an initialised table, every
operation's FirstPteVirtualAddress is the VA of its first entry, and a table whose
parent entry went is not written again and disappears at the next flush.
`Shadow.assert_matches(process)` then compares the shadow with the model's own tables
(the counts of `page_table_stats()`, every valid upper entry through a walk, every leaf
entry through a batch translation, and the full entry of a few leaf entries per table):
the strongest check that the log says exactly what the model did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dxgk import structs

PTE_BYTES = 16
ZERO = bytes(PTE_BYTES)


def pte_bytes(e: Any) -> bytes:
    return bytes(e)


def decode(raw: bytes) -> tuple[int, int]:
    """(Flags, address) of a 16-byte DXGK_PTE."""
    return int.from_bytes(raw[:8], "little"), int.from_bytes(raw[8:], "little")


@dataclass
class Table:
    level: int
    fmt64k: bool
    base: int                               # VA entry 0 maps
    entries: list[bytes] = field(default_factory=list)


class Shadow:
    """The shadow tables of one process, built from the adapter's paging log."""

    def __init__(self, adapter: Any, process: Any) -> None:
        self.adapter = adapter
        self.process = process
        lv = adapter.levels
        self.nlev = len(lv)
        self.shift = []
        s = 12
        for d in lv:
            self.shift.append(s)
            s += d.PageTableIndexBitCount
        self.tables: dict[tuple[int, int], Table] = {}
        self.root: tuple[int, int] | None = None
        self.unlinked: set[tuple[int, int]] = set()
        self.next_seq = 0
        self.flushes: list[Any] = []

    def span(self, t: Table) -> int:
        return 1 << (16 if t.fmt64k else self.shift[t.level])

    # -- replay --

    def feed(self, log: list[Any]) -> None:
        """Applies the operations of `log` (the whole log) not applied yet."""
        for op in log:
            if op.sequence < self.next_seq:
                continue
            self.next_seq = op.sequence + 1
            if op.process != self.process:
                continue
            if op.operation == "UPDATE_PAGE_TABLE":
                self._update(op)
            elif op.operation == "FLUSH_TLB":
                self.flushes.append(op)
                for key in self.unlinked:
                    self._release(key)
                self.unlinked.clear()

    def _release(self, key: tuple[int, int]) -> None:
        """A table and the tables below it (their entries were not necessarily cleared:
        the whole subtree went with the entry naming it)."""
        t = self.tables.pop(key)
        if t.level:
            for raw in t.entries:
                flags, addr = decode(raw)
                if flags & 1 and (flags >> 5 & 31, addr) in self.tables:
                    self._release((flags >> 5 & 31, addr))

    def _update(self, op: Any) -> None:
        u = op.args
        gp = u.PageTableAddress.GpuPhysical
        key = (gp.SegmentId, gp.SegmentOffset)
        n, start = u.NumPageTableEntries, u.StartIndex
        raw = [pte_bytes(e) for e in op.entries]
        if u.Flags.Repeat:
            assert len(raw) == 1, f"{op.sequence}: Repeat with {len(raw)} entries"
            values = raw * n
        else:
            assert len(raw) == n, f"{op.sequence}: {len(raw)} entries for {n}"
            values = raw
        if u.Flags.InitialUpdate:
            assert u.Flags.Repeat and raw == [ZERO] and start == 0, \
                f"{op.sequence}: an initialisation is Repeat of one zero entry from 0"
            assert key not in self.tables or key in self.unlinked, \
                f"{op.sequence}: table {key} initialised twice"
            if key in self.unlinked:         # reused before the flush: never
                raise AssertionError(f"{op.sequence}: table {key} reused before the flush")
            self.tables[key] = Table(u.PageTableLevel, bool(u.Flags.Use64KBPages),
                                     u.FirstPteVirtualAddress, [ZERO] * n)
            if self.root is None:
                assert u.PageTableLevel == self.nlev - 1, "the first table is the root"
                self.root = key
            return
        t = self.tables.get(key)
        assert t is not None, f"{op.sequence}: write into table {key} before its initialisation"
        assert key not in self.unlinked, f"{op.sequence}: write into unlinked table {key}"
        assert t.level == u.PageTableLevel and t.fmt64k == bool(u.Flags.Use64KBPages)
        assert start + n <= len(t.entries), f"{op.sequence}: run past the table's end"
        assert u.FirstPteVirtualAddress == t.base + start * self.span(t), \
            f"{op.sequence}: FirstPteVirtualAddress {u.FirstPteVirtualAddress:#x}"
        for k, v in enumerate(values):
            i = start + k
            if t.level > 0:
                old_flags, old_addr = decode(t.entries[i])
                flags, addr = decode(v)
                if old_flags & 1:
                    self.unlinked.add((old_flags >> 5 & 31, old_addr))
                if flags & 1:
                    child = (flags >> 5 & 31, addr)
                    assert child in self.tables and child not in self.unlinked, \
                        f"{op.sequence}: entry names table {child} not initialised"
                    self.unlinked.discard(child)
                    c = self.tables[child]
                    assert c.base == t.base + i * self.span(t) and c.level == t.level - 1
            t.entries[i] = v

    # -- comparison with the model --

    def reachable(self) -> list[tuple[tuple[int, int], Table]]:
        assert self.root is not None, "no root initialised"
        out, todo = [], [self.root]
        while todo:
            key = todo.pop()
            t = self.tables[key]
            out.append((key, t))
            if t.level:
                for raw in t.entries:
                    flags, addr = decode(raw)
                    if flags & 1:
                        todo.append((flags >> 5 & 31, addr))
        return out

    def assert_matches(self, process: Any) -> None:
        tabs = self.reachable()
        st = process.page_table_stats()
        per_level = [0] * self.nlev
        valid_leaf = 0
        for _, t in tabs:
            per_level[t.level] += 1
            if t.level == 0:
                valid_leaf += sum(1 for r in t.entries if r[0] & 1)
        assert tuple(per_level) == tuple(st.tables[:self.nlev]), \
            f"tables per level: shadow {per_level}, model {st.tables}"
        assert valid_leaf == st.valid_leaf_entries, \
            f"valid leaf entries: shadow {valid_leaf}, model {st.valid_leaf_entries}"
        for key, t in tabs:
            span = self.span(t)
            if t.level:
                for i, raw in enumerate(t.entries):
                    if raw[0] & 1:
                        self._walk_check(process, key, t, i, raw, t.base + i * span)
                continue
            vas = np.array([t.base + i * span for i in range(len(t.entries))], dtype=np.uint64)
            x = process.translate_many(vas)
            for i, raw in enumerate(t.entries):
                flags, addr = decode(raw)
                valid = bool(flags & 1)
                assert bool(x["valid"][i]) == valid, f"leaf {key}[{i}] valid"
                if valid:
                    assert bool(x["zero"][i]) == bool(flags & 2), f"leaf {key}[{i}] zero"
                    assert bool(x["read_only"][i]) == bool(flags & 8), f"leaf {key}[{i}] RO"
                    assert bool(x["no_execute"][i]) == bool(flags & 16), f"leaf {key}[{i}] NX"
                    assert int(x["segment"][i]) == (flags >> 5 & 31), f"leaf {key}[{i}] seg"
                    assert int(x["page_size"][i]) == span
                    if not flags & 2:
                        assert int(x["address"][i]) == addr, f"leaf {key}[{i}] address"
            valid_idx = [i for i, r in enumerate(t.entries) if r[0] & 1]
            for i in valid_idx[:2] + valid_idx[-2:]:
                self._walk_check(process, key, t, i, t.entries[i], t.base + i * span)

    def _walk_check(self, process: Any, key: tuple[int, int], t: Table, i: int, raw: bytes,
                    va: int) -> None:
        w = process.translate(va)
        lv = [x for x in w.levels if x.level == t.level]
        assert lv, f"the model's walk of {va:#x} does not reach level {t.level}"
        x = lv[0]
        assert (x.table_segment, x.table_address) == key, \
            f"{va:#x}: model table {(x.table_segment, x.table_address)} != shadow {key}"
        assert x.index == i
        assert bytes(x.pte) == raw, \
            f"{va:#x} level {t.level}: model {structs.DXGK_PTE.from_buffer_copy(bytes(x.pte))} " \
            f"!= shadow {structs.DXGK_PTE.from_buffer_copy(raw)}"


def replay(adapter: Any, process: Any) -> Shadow:
    """A Shadow of `process` fed with the adapter's whole log, checked against the model."""
    s = Shadow(adapter, process)
    s.feed(adapter.paging_log)
    s.assert_matches(process)
    return s
