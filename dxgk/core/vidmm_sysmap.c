/*
 * vidmm_sysmap.c -- DxgkCbUpdateContextAllocation (docs/behaviour.md 6.2) and the mapping in
 * the system process that its UPDATE_CONTEXT_ALLOCATION operation names (docs/behaviour.md
 * 10.2: ContextAllocation = the allocation's VA in the system process).
 *
 * What it owns: each allocation's sys_va / sys_range -- a MAP range of the system
 * process's VA allocator over the whole allocation, flagged DXGK_VM_RANGE_F_SYSTEM, made
 * on the allocation's first update and removed with the allocation (vidmm.c's
 * dxgk_vm__alloc_teardown calls dxgk_vm__sysmap_drop). The range is placed and written by
 * vidmm_va.c's dxgk_vm__range_place as a kernel map with no fixed address would be, so
 * its page-table operations go through the paging stream for the system process.
 *
 * Invariants (checked by dxgk_vm_validate through dxgk_vm__sysmap_check and
 * dxgk_vm__sysmap_is):
 *   - al->sys_va != 0 once al has been updated, 0 before; then either al->sys_range is a
 *     live range of the system process's VA allocator at sys_va, flagged, naming al from
 *     page 0 over al's whole size -- on no allocation list and in no mapping_count (it is
 *     the model's, not the caller's) -- or sys_range is NULL and sys_va is al's creation
 *     VA, al being an allocation of the system device;
 *   - a flagged range is the sys_range of its allocation, and lives in the system process.
 *     Nothing a caller can do removes it before its allocation goes: it is no VAD (so
 *     D3DKMTFreeGpuVirtualAddress refuses it as kernel VA) and no call unmaps a single
 *     kernel mapping.
 */
#include "vidmm_impl.h"

#include <stdlib.h>

#include "range_alloc.h"
#include "vidmm.h"

/* al's VA in the system process, mapping it there first if it has none (under a's lock).
 * A failure (no VA or page-table room: STATUS_NO_MEMORY) changes nothing. */
static NTSTATUS sysmap(vm_adapter *a, vm_alloc *al)
{
    vm_process *sys = a->system;
    vm_range *r;
    uint64_t align, phase;
    NTSTATUS st;
    if (al->sys_va)
        return STATUS_SUCCESS;
    /* docs/behaviour.md 10.2 [choice]: an allocation of the system device mapped by its
     * creation flag is in the system process already -- that VA is its system VA */
    if (al->process == sys && al->create_va) {
        al->sys_va = al->create_va;
        return STATUS_SUCCESS;
    }
    r = calloc(1, sizeof *r);
    if (!r)
        return STATUS_NO_MEMORY;
    /* [choice] the whole allocation, Write | Execute as the creation flag's map (4.5),
     * and SystemUseOnly: the VA is the kernel's */
    r->size = al->size;
    r->kind = DXGK_VM_RANGE_MAP;
    r->flags = DXGK_VM_RANGE_F_SYSTEM;
    r->alloc = al;
    r->protection = PROT_WRITE | PROT_EXECUTE | PROT_SYSTEM_ONLY;
    list_init(&r->alloc_link);
    dxgk_vm__va_phase(al, 0, &align, &phase);
    st = dxgk_vm__range_place(sys, r, 0, 0, 0, align, phase);
    if (st != STATUS_SUCCESS) {
        free(r);
        return st;
    }
    sys->mappings++;
    al->sys_range = r;
    al->sys_va = r->va;
    return STATUS_SUCCESS;
}

NTSTATUS dxgk_vm_update_allocation(uint64_t h, uint64_t allocation, const void *data,
                                   uint32_t size)
{
    vm_adapter *a = dxgk_vm__adapter_acquire(h);
    vm_alloc *al;
    DXGK_PTE *units = NULL;
    NTSTATUS st = STATUS_SUCCESS;
    if (!a)
        return STATUS_INVALID_HANDLE;
    al = dxgk_vm__owned(a, allocation, DXGK_VM_T_ALLOCATION);
    if (!al) {
        st = STATUS_INVALID_HANDLE;
        goto out;
    }
    if ((data == NULL) != (size == 0)) {
        st = STATUS_INVALID_PARAMETER;
        goto out;
    }
    /* everything that can fail before anything is issued: nothing half done */
    st = dxgk_pg__uca_prepare(a, data, size, &units);
    if (st != STATUS_SUCCESS)
        goto out;
    st = sysmap(a, al);
    if (st != STATUS_SUCCESS) {
        free(units);
        goto out;
    }
    /* docs/behaviour.md 10.2 [choice]: a first update's map is flushed before the
     * operation that hands its VA to the driver */
    if (dxgk_pg__pending(a))
        dxgk_pg__call_end(a);
    dxgk_pg__update_context_allocation(a, al, al->sys_va, units, data, size);
out:
    dxgk_vm__release(a);
    return st;
}

void dxgk_vm__sysmap_drop(vm_adapter *a, vm_alloc *al)
{
    if (al->sys_range)      /* dxgk_vm__range_drop clears sys_range and sys_va */
        dxgk_vm__range_drop(a->system, al->sys_range);
    al->sys_va = 0;
}

int dxgk_vm__sysmap_is(const vm_process *p, const vm_range *r)
{
    return p->is_system && r->kind == DXGK_VM_RANGE_MAP && (r->flags & DXGK_VM_RANGE_F_SYSTEM) &&
           r->alloc && r->alloc->sys_range == r;
}

int dxgk_vm__sysmap_check(vm_adapter *a, const vm_alloc *al, char *msg, size_t msg_size)
{
    const vm_range *r = al->sys_range;
    uint64_t start, size, tag;
    if (!al->sys_va && !r)
        return 0;
    if (!r) {
        if (al->process == a->system && al->sys_va == al->create_va)
            return 0;
        dxgk_vm__set_msg(msg, msg_size,
                         "allocation %#llx: system VA %#llx is neither a system mapping of it "
                         "nor its creation mapping in the system process",
                         (unsigned long long)al->hdr.handle, (unsigned long long)al->sys_va);
        return 1;
    }
    if (dxgk_ra_find(a->system->va, r->va, &start, &size, &tag) != DXGK_RA_OK ||
        tag != (uint64_t)(uintptr_t)r || start != r->va || size != al->size ||
        r->va != al->sys_va || r->size != al->size || r->alloc != al || r->offset_pages ||
        !dxgk_vm__sysmap_is(a->system, r)) {
        dxgk_vm__set_msg(msg, msg_size,
                         "allocation %#llx: its system mapping at %#llx is not the system "
                         "process's range there for its whole size",
                         (unsigned long long)al->hdr.handle, (unsigned long long)al->sys_va);
        return 1;
    }
    return 0;
}
