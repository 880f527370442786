"""The help text of the DxgkCb* functions (what ``help(dxgk.DxgkCbMapContextAllocation)``
shows): the C signature, the argument forms, the rules in brief and every status, each
pointing at its section of the behaviour guide, docs/behaviour.md.

What it owns: only text. ``dxgk.ddi`` attaches it to the functions it defines (their
bodies are the fast paths, kept short); nothing here runs. Invariant kept: every rule
stated here is the rule the C core applies as the guide gives it -- the guide is the
reference, this is its summary at the prompt.
"""

from __future__ import annotations

import textwrap

__all__ = ["DDI_DOCS"]

def _args(struct: str, access: str) -> str:
    text = (f"``args`` may be a ``dxgk.structs.{struct}`` instance (the fastest form), a "
            f"``ctypes.pointer``/``ctypes.byref`` of one, any buffer of exactly the "
            f"struct's size ({access}), or ``None`` (NULL: ``STATUS_INVALID_PARAMETER``). "
            "A wrong type is a ``TypeError``, a wrong size a ``ValueError``, both naming "
            "the struct and its size. ``abi=\"x86\"`` (or a ``dxgk.structs.x86`` instance) "
            "reads the bytes in the x86 layout; its handle members are then 32-bit aliases "
            "(``dxgk.x86_handle``).")
    return "\n" + textwrap.fill(text, width=88, initial_indent="    ",
                                subsequent_indent="    ")


_HADAPTER = """
    ``hAdapter`` is an int handle or a ``dxgk.Adapter``."""

_MAP = """``D3DGPU_VIRTUAL_ADDRESS DxgkCbMapContextAllocation(HANDLE hAdapter,
    const DXGKARGCB_MAPCONTEXTALLOCATION *pArgs)``

    Maps ``SizeInPages`` 4 KB pages of the context allocation ``hAllocation``, from page
    ``OffsetInPages``, into the GPU VA space of the allocation's process, and returns the
    VA -- or 0 on any failure, when :func:`dxgk.last_status` says why
    (docs/behaviour.md section 5).
""" + _HADAPTER + _args(struct="DXGKARGCB_MAPCONTEXTALLOCATION",
                                access="read-only ones such as ``bytes`` too: the "
                                       "argument is ``const``") + """

    Where the range goes (all addresses in bytes, multiples of 4 KB):

    * ``BaseAddress`` != 0: exactly there or nowhere (docs/behaviour.md §5.4). The range
      must not overlap a mapping or a reservation (else
      ``STATUS_CONFLICTING_ADDRESSES``); ``MinimumAddress``/``MaximumAddress`` do not
      move it, but are still validated.
    * ``BaseAddress`` == 0: the **lowest** free VA ``va`` with ``va >=
      max(MinimumAddress, 64 KB)`` and ``va + size <= MaximumAddress`` -- the maximum
      is **exclusive**; 0 means the end of the VA space (§5.5). A window with no room
      for the range (too small, or full) is ``STATUS_NO_MEMORY``, not a parameter
      error.
    * An allocation in a 64 KB-page segment is mapped only at VAs congruent to its
      physical address modulo 64 KB (§5.3): with ``OffsetInPages`` = 0 the VA is 64 KB
      aligned. A ``BaseAddress`` that breaks this is ``STATUS_INVALID_PARAMETER``.
    * ``hAllocation`` NULL with ``Protection.Zero`` or ``Protection.NoAccess`` makes a
      Zero / NoAccess range in the adapter's system process (§5.1, §5.2).

    Statuses, the first applicable group deciding (§5.1, §8.4): NULL args
    (``STATUS_INVALID_PARAMETER``) > ``STATUS_INVALID_HANDLE`` (hAdapter, hAllocation) >
    ``STATUS_INVALID_PARAMETER`` (SizeInPages 0 or past the allocation, unaligned
    addresses, Minimum >= Maximum, outside the VA space, reserved or conflicting Protection
    bits, the 64 KB congruence) > ``STATUS_CONFLICTING_ADDRESSES`` (an explicit base that
    overlaps) >
    ``STATUS_NO_MEMORY`` (no free VA in the window, no room for page tables). A failed
    call changes nothing (§5.7); a successful one writes the page-table entries (§7).
"""

_CREATE = """``NTSTATUS DxgkCbCreateContextAllocation(DXGKARGCB_CREATECONTEXTALLOCATION *pArgs)``

    Creates a context allocation of ``Size`` bytes on the device ``hDevice`` (NULL: the
    system device) of the adapter ``hAdapter`` (a member of the struct), optionally tied
    to the context ``hContext``, and writes its handle into ``pArgs->hAllocation`` -- in
    the caller's own buffer, so the buffer must be writable (docs/behaviour.md
    section 4). Returns the NTSTATUS.
""" + _args(struct="DXGKARGCB_CREATECONTEXTALLOCATION",
                   access="writable: ``bytearray``, ``memoryview``, numpy, ``mmap``, ...") + """

    Placement (§4.3, §4.4): the segments ``PreferredSegment.SegmentId0..4`` in order, then
    the rest of ``SupportedSegmentSet`` by id (a preferred segment outside the set is
    skipped); the first with room wins. The size is rounded up to the segment's page
    size; the start is a multiple of max(``Alignment``, page size); lowest fit, or
    highest with ``Flags.FromEndOfSegment``. ``ContextAllocationFlags.
    MapGpuVirtualAddress`` also maps the whole allocation at the lowest fit, Write |
    Execute (§4.5; the VA is ``Adapter.allocation(h).va``).

    Statuses (§4.1, §8.4): ``STATUS_INVALID_PARAMETER`` (NULL args) >
    ``STATUS_INVALID_HANDLE`` (hAdapter, hDevice, hContext not live) >
    ``STATUS_INVALID_PARAMETER`` (Size 0, Alignment not 0 or a power of two, no segment
    of the adapter in SupportedSegmentSet, a context of another device, hContext with
    SharedAcrossContexts) > ``STATUS_NO_MEMORY`` (no segment has room; or the
    MapGpuVirtualAddress map found no VA or page-table room). On failure nothing is
    created and ``hAllocation`` is not written.
"""

_UPDATE = """``NTSTATUS DxgkCbUpdateContextAllocation(HANDLE hAdapter,
    const DXGKARGCB_UPDATECONTEXTALLOCATION *pArgs)``

    Issues an UPDATE_CONTEXT_ALLOCATION paging operation -- recorded with its sequence
    number, the allocation, a copy of the ``PrivateDriverDataSize`` bytes at
    ``pPrivateDriverData`` -- in the adapter's paging log (``Adapter.paging_log``,
    docs/behaviour.md §10.2), whose ``ContextAllocation`` is the allocation's VA in the
    system process: the first update maps it there (and keeps it until the allocation
    is destroyed); later ones change no mapping or page-table entry (§6.2).
""" + _HADAPTER + _args(struct="DXGKARGCB_UPDATECONTEXTALLOCATION",
                                access="read-only ones too: the argument is ``const``") + """

    Statuses: ``STATUS_INVALID_PARAMETER`` (NULL args) > ``STATUS_INVALID_HANDLE``
    (hAdapter, hAllocation not live or not of that adapter) > ``STATUS_INVALID_PARAMETER``
    (a data pointer without a size, or a size without a pointer) > ``STATUS_NO_MEMORY``
    (no host memory for the record, or on a first update no VA or page-table room in the
    system process; nothing is added or changed).
"""

_RESERVE = """``NTSTATUS DxgkCbReserveGpuVirtualAddressRange(HANDLE hAdapter,
    DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE *pArgs)``

    Reserves ``SizeInBytes`` of GPU VA for the driver in the process ``hDxgkProcess`` --
    only while that process is being created, i.e. inside the hook of
    ``Adapter.create_process(on_create=...)`` (Windows: DxgkDdiCreateProcess) -- and
    writes the start into ``pArgs->StartVirtualAddress`` (docs/behaviour.md §6.3).
""" + _HADAPTER + _args(struct="DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE",
                                access="writable") + """

    ``SizeInBytes`` must be a non-zero multiple of one leaf table's span (2 MB by
    default); the start is a multiple of max(``Alignment``, that span) and never under
    root entry 0 (0x8000000000 by default). ``BaseAddress`` != 0: exactly there;
    otherwise the lowest free aligned VA. Reserved VA is never chosen by a map.

    Statuses: ``STATUS_INVALID_PARAMETER`` (NULL args) > ``STATUS_INVALID_HANDLE``
    (hAdapter) > ``STATUS_INVALID_PARAMETER`` (hDxgkProcess not the process being
    created, a bad size, alignment or base) > ``STATUS_CONFLICTING_ADDRESSES`` (the base
    range is taken) > ``STATUS_NO_MEMORY`` (no room).
"""

_DESTROY = """``NTSTATUS DxgkCbDestroyContextAllocation(HANDLE hAdapter, HANDLE hAllocation)``

    Unmaps every VA of the allocation (page tables left empty are freed), gives its
    segment range back and kills the handle (docs/behaviour.md §6.1). Returns
    ``STATUS_SUCCESS``, or ``STATUS_INVALID_HANDLE`` when ``hAdapter`` is not a live
    adapter or ``hAllocation`` not a live allocation of it (nothing changes).

    ``hAdapter`` is an int handle or a ``dxgk.Adapter``; ``hAllocation`` an int handle.
    With ``abi="x86"`` both may be 32-bit aliases (``dxgk.x86_handle``).
"""

DDI_DOCS: dict[str, str] = {
    "DxgkCbMapContextAllocation": _MAP,
    "DxgkCbCreateContextAllocation": _CREATE,
    "DxgkCbUpdateContextAllocation": _UPDATE,
    "DxgkCbReserveGpuVirtualAddressRange": _RESERVE,
    "DxgkCbDestroyContextAllocation": _DESTROY,
}
