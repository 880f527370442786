/*
 * d3dkmddi.h -- dxgk's subset of the WDDM kernel-mode display driver interface.
 *
 * Written for dxgk from the public WDK reference (MicrosoftDocs
 * windows-driver-docs-ddi, pages under wdk-ddi-src/content/d3dkmddi/); only what the
 * GPU-VA model needs is declared. Names, member order, member types, bitfield widths
 * and version guards follow the documentation; the comments are ours.
 *
 * Contents:
 *   - allocation attributes: DXGK_SEGMENTPREFERENCE, DXGK_SEGMENTBANKPREFERENCE,
 *     DXGK_ALLOCATIONINFOFLAGS;
 *   - context allocations (WDDM 1.2 / WIN8+): DXGK_CREATECONTEXTALLOCATIONFLAGS,
 *     DXGKARGCB_CREATECONTEXTALLOCATION, DXGKCB_CREATECONTEXTALLOCATION,
 *     DXGKCB_DESTROYCONTEXTALLOCATION;
 *   - GpuMmu (WDDM 2.0+): DXGK_PAGETABLEUPDATEMODE, DXGK_PAGETABLEUPDATEADDRESS,
 *     DXGK_PAGE_TABLE_LEVEL_DESC, DXGK_UPDATEPAGETABLEFLAGS, DXGK_GPUMMUCAPS,
 *     DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE;
 *   - GPU VA callbacks (WDDM 2.0+): DXGKARGCB_MAPCONTEXTALLOCATION,
 *     DXGKARGCB_UPDATECONTEXTALLOCATION, DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE and
 *     their DXGKCB_* types;
 *   - the other DXGKCB_* pointer types that DXGKRNL_INTERFACE (dispmprt.h) names and
 *     whose docs page says d3dkmddi.h, declared opaque (see "Opaque callbacks").
 *
 * Callback type convention (as in the WDK): every DXGKCB_xxx name is itself a
 * POINTER-to-function type, declared "(APIENTRY CALLBACK *DXGKCB_xxx)(...)", so that
 * DXGKRNL_INTERFACE can hold "DXGKCB_xxx DxgkCbXxx;" members. A C implementation is
 * an ordinary function with the same signature whose address is stored in the table.
 * APIENTRY / CALLBACK carry no layout and are empty (windows_base.h).
 *
 * Version guards: every "#if DXGKDDI_INTERFACE_VERSION" below copies a guard or an
 * "Available starting with WDDM x.y" statement of the documentation; the default
 * version (d3dukmdt.h) is WDDM 3.2, so everything is visible unless an older version
 * is selected.
 */
#ifndef DXGK_D3DKMDDI_H
#define DXGK_D3DKMDDI_H

#include "d3dukmdt.h"

/* The SDK header renames the low reserved allocation-flag bits: DXGK_ALLOC_RESERVEDn
 * (n = 0..15) are spelled Reservedn once preprocessed, unless a driver predefines
 * DXGK_ALLOCATIONINFOFLAGS_EXT. Kept so field names match what a compiler sees with
 * the real SDK (DXGK_ALLOC_RESERVED16 has no such alias). */
#ifndef DXGK_ALLOCATIONINFOFLAGS_EXT
#define DXGK_ALLOCATIONINFOFLAGS_EXT
#define DXGK_ALLOC_RESERVED0        Reserved0
#define DXGK_ALLOC_RESERVED1        Reserved1
#define DXGK_ALLOC_RESERVED2        Reserved2
#define DXGK_ALLOC_RESERVED3        Reserved3
#define DXGK_ALLOC_RESERVED4        Reserved4
#define DXGK_ALLOC_RESERVED5        Reserved5
#define DXGK_ALLOC_RESERVED6        Reserved6
#define DXGK_ALLOC_RESERVED7        Reserved7
#define DXGK_ALLOC_RESERVED8        Reserved8
#define DXGK_ALLOC_RESERVED9        Reserved9
#define DXGK_ALLOC_RESERVED10       Reserved10
#define DXGK_ALLOC_RESERVED11       Reserved11
#define DXGK_ALLOC_RESERVED12       Reserved12
#define DXGK_ALLOC_RESERVED13       Reserved13
#define DXGK_ALLOC_RESERVED14       Reserved14
#define DXGK_ALLOC_RESERVED15       Reserved15
#endif

/* Likewise the top reserved bit of DXGK_CREATEDEVICEFLAGS: spelled Reserved0 once
 * preprocessed unless a driver predefines DXGK_DEVICEFLAGS_EXT. */
#ifndef DXGK_DEVICEFLAGS_EXT
#define DXGK_DEVICEFLAGS_EXT
#define DXGK_DEVICE_RESERVED0       Reserved0
#endif

/* ------------------------------------------------------------------------------
 * Allocation attributes.
 * ---------------------------------------------------------------------------- */

/* The kernel-mode preferred-segment type is the user/kernel shared one
 * (docs: DXGKARGCB_CREATECONTEXTALLOCATION.PreferredSegment links to
 * D3DDDI_SEGMENTPREFERENCE). */
typedef D3DDDI_SEGMENTPREFERENCE DXGK_SEGMENTPREFERENCE;

/* Docs: ns-d3dkmddi-_dxgk_segmentbankpreference -- four preferred banks (7 bits each)
 * with a direction bit each, filling the 32-bit word exactly. */
typedef struct _DXGK_SEGMENTBANKPREFERENCE
{
    union
    {
        struct
        {
            UINT Bank0      : 7;
            UINT Direction0 : 1;
            UINT Bank1      : 7;
            UINT Direction1 : 1;
            UINT Bank2      : 7;
            UINT Direction2 : 1;
            UINT Bank3      : 7;
            UINT Direction3 : 1;
        };
        UINT Value;
    };
} DXGK_SEGMENTBANKPREFERENCE;

/* Docs: ns-d3dkmddi-_dxgk_allocationinfoflags -- 32 one-bit allocation properties.
 * Bits 15..18 (AccessedPhysically .. CpuVisibleOnDemand) exist from WDDM 2.0; before
 * that the same four bits are one 4-bit Reserved field (docs: "Reserved ... the
 * sixteenth to the nineteenth bit (0x00078000)"). The 13 top bits keep the docs'
 * reserved spellings DXGK_ALLOC_RESERVED16..9 and 4..0 (see the alias block above). */
typedef struct _DXGK_ALLOCATIONINFOFLAGS
{
    union
    {
        struct
        {
            UINT CpuVisible                    : 1;
            UINT PermanentSysMem               : 1;
            UINT Cached                        : 1;
            UINT Protected                     : 1;
            UINT ExistingSysMem                : 1;
            UINT ExistingKernelSysMem          : 1;
            UINT FromEndOfSegment              : 1;
            UINT Swizzled                      : 1;
            UINT Overlay                       : 1;
            UINT Capture                       : 1;
            UINT UseAlternateVA                : 1;
            UINT SynchronousPaging             : 1;
            UINT LinkMirrored                  : 1;
            UINT LinkInstanced                 : 1;
            UINT HistoryBuffer                 : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
            UINT AccessedPhysically            : 1;
            UINT ExplicitResidencyNotification : 1;
            UINT HardwareProtected             : 1;
            UINT CpuVisibleOnDemand            : 1;
#else
            UINT Reserved                      : 4;
#endif
            UINT DXGK_ALLOC_RESERVED16         : 1;
            UINT DXGK_ALLOC_RESERVED15         : 1;
            UINT DXGK_ALLOC_RESERVED14         : 1;
            UINT DXGK_ALLOC_RESERVED13         : 1;
            UINT DXGK_ALLOC_RESERVED12         : 1;
            UINT DXGK_ALLOC_RESERVED11         : 1;
            UINT DXGK_ALLOC_RESERVED10         : 1;
            UINT DXGK_ALLOC_RESERVED9          : 1;
            UINT DXGK_ALLOC_RESERVED4          : 1;
            UINT DXGK_ALLOC_RESERVED3          : 1;
            UINT DXGK_ALLOC_RESERVED2          : 1;
            UINT DXGK_ALLOC_RESERVED1          : 1;
            UINT DXGK_ALLOC_RESERVED0          : 1;
        };
        UINT Value;
    };
} DXGK_ALLOCATIONINFOFLAGS;

/* SAL-annotated parameter type used by the DDI typedefs (the WDK names these after
 * their annotations; the annotations themselves expand to nothing here). */
typedef _In_ CONST HANDLE IN_CONST_HANDLE;

/* ------------------------------------------------------------------------------
 * Opaque callbacks. DXGKRNL_INTERFACE holds pointers to many Dxgkrnl services this
 * project does not model; their pointer types are declared with the WDK's names and
 * documented return types but an elided "(void)" parameter list, so the table has
 * its exact shape while such a pointer cannot be called by mistake through this
 * subset. Types whose docs page names dispmprt.h are declared there.
 * ---------------------------------------------------------------------------- */

/* Available since WDDM 1.0 (Vista). */
typedef PVOID         (APIENTRY CALLBACK *DXGKCB_GETHANDLEDATA)(void);
typedef D3DKMT_HANDLE (APIENTRY CALLBACK *DXGKCB_GETHANDLEPARENT)(void);
typedef D3DKMT_HANDLE (APIENTRY CALLBACK *DXGKCB_ENUMHANDLECHILDREN)(void);
typedef VOID          (APIENTRY CALLBACK *DXGKCB_NOTIFY_INTERRUPT)(void);
typedef VOID          (APIENTRY CALLBACK *DXGKCB_NOTIFY_DPC)(void);
typedef NTSTATUS      (APIENTRY CALLBACK *DXGKCB_QUERYVIDPNINTERFACE)(void);
typedef NTSTATUS      (APIENTRY CALLBACK *DXGKCB_QUERYMONITORINTERFACE)(void);
typedef NTSTATUS      (APIENTRY CALLBACK *DXGKCB_GETCAPTUREADDRESS)(void);

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
typedef VOID     (APIENTRY CALLBACK *DXGKCB_SETPOWERCOMPONENTACTIVE)(void);
typedef VOID     (APIENTRY CALLBACK *DXGKCB_SETPOWERCOMPONENTIDLE)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_POWERRUNTIMECONTROLREQUEST)(void);
typedef VOID     (APIENTRY CALLBACK *DXGKCB_SETPOWERCOMPONENTLATENCY)(void);
typedef VOID     (APIENTRY CALLBACK *DXGKCB_SETPOWERCOMPONENTRESIDENCY)(void);
typedef VOID     (APIENTRY CALLBACK *DXGKCB_COMPLETEFSTATETRANSITION)(void);
#endif /* WIN8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM1_3)
typedef VOID     (APIENTRY CALLBACK *DXGKCB_COMPLETEPSTATETRANSITION)(void);
#endif /* WDDM1_3 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
typedef PVOID    (APIENTRY CALLBACK *DXGKCB_ACQUIREHANDLEDATA)(void);
typedef VOID     (APIENTRY CALLBACK *DXGKCB_RELEASEHANDLEDATA)(void);
typedef VOID     (APIENTRY CALLBACK *DXGKCB_HARDWARECONTENTPROTECTIONTEARDOWN)(void);
#endif /* WDDM2_0 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
typedef VOID     (APIENTRY CALLBACK *DXGKCB_MULTIPLANEOVERLAYDISABLED)(void);
/* The doubled prefix is the WDK's own spelling of this type name. */
typedef VOID     (APIENTRY CALLBACK *DXGKCB_DXGKCB_MITIGATEDRANGEUPDATE)(void);
#endif /* WDDM2_1 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_INVALIDATEHWCONTEXT)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_INDICATE_CONNECTOR_CHANGE)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UNBLOCKUEFIFRAMEBUFFERRANGES)(void);
#endif /* WDDM2_2 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_SETPROTECTEDSESSIONSTATUS)(void);
#endif /* WDDM2_3 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_ALLOCATECONTIGUOUSMEMORY)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_FREECONTIGUOUSMEMORY)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_ALLOCATEPAGESFORMDL)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_FREEPAGESFROMMDL)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_PINFRAMEBUFFERFORSAVE)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UNPINFRAMEBUFFERFORSAVE)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_MAPFRAMEBUFFERPOINTER)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UNMAPFRAMEBUFFERPOINTER)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_MAPMDLTOIOMMU)(void);
typedef VOID     (APIENTRY CALLBACK *DXGKCB_UNMAPMDLFROMIOMMU)(void);
#endif /* WDDM2_4 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_SIGNALEVENT)(void);
#endif /* WDDM2_5 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_ISFEATUREENABLED)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_SAVEMEMORYFORHOTUPDATE)(void);
#endif /* WDDM2_6 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_8)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_NOTIFYCURSORSUPPORTCHANGE)(void);
#endif /* WDDM2_8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_QUERYFEATURESUPPORT)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_CREATEPHYSICALMEMORYOBJECT)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_DESTROYPHYSICALMEMORYOBJECT)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_MAPPHYSICALMEMORY)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UNMAPPHYSICALMEMORY)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_ALLOCATEADL)(void);
typedef VOID     (APIENTRY CALLBACK *DXGKCB_FREEADL)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_OPENPHYSICALMEMORYOBJECT)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_CLOSEPHYSICALMEMORYOBJECT)(void);
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_PINFRAMEBUFFERFORSAVE2)(void);
#endif /* WDDM2_9 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_DISCONNECTDOORBELL)(void);
#endif /* WDDM3_1 */

/* ------------------------------------------------------------------------------
 * Context allocations (WDDM 1.2 / Windows 8 and later).
 * ---------------------------------------------------------------------------- */
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)

/* Docs: ns-d3dkmddi-_dxgk_createcontextallocationflags. MapGpuVirtualAddress (ask
 * Dxgkrnl to also map a GpuMmu VA) exists from WDDM 2.0; before it the word had 31
 * reserved bits. */
typedef struct _DXGK_CREATECONTEXTALLOCATIONFLAGS
{
    union
    {
        struct
        {
            UINT SharedAcrossContexts : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
            UINT MapGpuVirtualAddress : 1;
            UINT Reserved             : 30;
#else
            UINT Reserved             : 31;
#endif
        };
        UINT Value;
    };
} DXGK_CREATECONTEXTALLOCATIONFLAGS;

/* Docs: ns-d3dkmddi-_dxgkargcb_createcontextallocation -- in/out argument of
 * DxgkCbCreateContextAllocation (hAdapter travels inside). hAllocation is the only
 * output. PhysicalAdapterIndex is the WDDM 2.0 addition (engine ordinal of the
 * physical adapter in a linked configuration). */
typedef struct _DXGKARGCB_CREATECONTEXTALLOCATION
{
    DXGK_CREATECONTEXTALLOCATIONFLAGS ContextAllocationFlags;
    HANDLE                            hAdapter;
    HANDLE                            hDevice;
    HANDLE                            hContext;
    HANDLE                            hDriverAllocation;
    SIZE_T                            Size;
    UINT                              Alignment;
    UINT                              SupportedSegmentSet;
    UINT                              EvictionSegmentSet;
    DXGK_SEGMENTPREFERENCE            PreferredSegment;
    DXGK_SEGMENTBANKPREFERENCE        HintedBank;
    DXGK_ALLOCATIONINFOFLAGS          Flags;
    HANDLE                            hAllocation;          /* out */
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    UINT                              PhysicalAdapterIndex;
#endif
} DXGKARGCB_CREATECONTEXTALLOCATION;

typedef _Inout_ DXGKARGCB_CREATECONTEXTALLOCATION *INOUT_PDXGKARGCB_CREATECONTEXTALLOCATION;

/* Docs: nc-d3dkmddi-dxgkcb_createcontextallocation -- one in/out argument, returns
 * an NTSTATUS. (The WDK leaves the parameter unnamed.) */
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_CREATECONTEXTALLOCATION)(
    INOUT_PDXGKARGCB_CREATECONTEXTALLOCATION pArgs);

/* Docs: nc-d3dkmddi-dxgkcb_destroycontextallocation -- the adapter and the handle
 * that DxgkCbCreateContextAllocation returned in hAllocation. */
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_DESTROYCONTEXTALLOCATION)(
    IN_CONST_HANDLE hAdapter,
    IN_CONST_HANDLE hAllocation);

#endif /* WIN8 */

/* ------------------------------------------------------------------------------
 * GpuMmu description and page table updates (WDDM 2.0 and later).
 * ---------------------------------------------------------------------------- */
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)

/* Docs: ne-d3dkmddi-_dxgk_pagetableupdatemode -- which kind of address
 * DXGK_PAGETABLEUPDATEADDRESS holds. */
typedef enum _DXGK_PAGETABLEUPDATEMODE
{
    DXGK_PAGETABLEUPDATE_CPU_VIRTUAL  = 0,
    DXGK_PAGETABLEUPDATE_GPU_VIRTUAL  = 1,
    DXGK_PAGETABLEUPDATE_GPU_PHYSICAL = 2,
} DXGK_PAGETABLEUPDATEMODE;

/* Docs: ns-d3dkmddi-_dxgk_pagetableupdateaddress -- the address of a page table in
 * the form the update mode names (a struct wrapping an anonymous union). */
typedef struct _DXGK_PAGETABLEUPDATEADDRESS
{
    union
    {
        PVOID                   CpuVirtual;
        D3DGPU_PHYSICAL_ADDRESS GpuPhysical;
        D3DGPU_VIRTUAL_ADDRESS  GpuVirtual;
    };
} DXGK_PAGETABLEUPDATEADDRESS;

/* Docs: ns-d3dkmddi-_dxgk_page_table_level_desc -- one level of the GpuMmu
 * (PageTableAlignmentInBytes: dxgk reads 0 as 4096, docs/behaviour.md section 7). */
typedef struct _DXGK_PAGE_TABLE_LEVEL_DESC
{
    UINT PageTableIndexBitCount;
    UINT PageTableSegmentId;
    UINT PagingProcessPageTableSegmentId;
    UINT PageTableSizeInBytes;
    UINT PageTableAlignmentInBytes;
} DXGK_PAGE_TABLE_LEVEL_DESC;

/* Docs: ns-d3dkmddi-_dxgk_updatepagetableflags -- a plain struct of UINT bitfields:
 * the documented declaration has no union and no "Value" member. NativeFence exists
 * from WDDM 3.1 (one reserved bit fewer). */
typedef struct _DXGK_UPDATEPAGETABLEFLAGS
{
    UINT Repeat         : 1;
    UINT InitialUpdate  : 1;
    UINT NotifyEviction : 1;
    UINT Use64KBPages   : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
    UINT NativeFence    : 1;
    UINT Reserved       : 27;
#else
    UINT Reserved       : 28;
#endif
} DXGK_UPDATEPAGETABLEFLAGS;

/* Docs: ns-d3dkmddi-_dxgk_gpummucaps -- the driver's GpuMmu capabilities. Flags added
 * after WDDM 2.0, each taking a bit from Reserved:
 *   AllowNonAlignedLargePageAddress, SysMem64KBPageSupported  WDDM 2.1 (24 -> 22)
 *   InvalidTlbEntriesNotCached                                WDDM 2.6 (-> 21)
 *   SysMemLargePageSupported                                  WDDM 2.9 (-> 20)
 *   CachedPageTables                                          WDDM 3.1 (-> 19) */
typedef struct _DXGK_GPUMMUCAPS
{
    union
    {
        struct
        {
            UINT ReadOnlyMemorySupported                : 1;
            UINT NoExecuteMemorySupported               : 1;
            UINT ZeroInPteSupported                     : 1;
            UINT ExplicitPageTableInvalidation          : 1;
            UINT CacheCoherentMemorySupported           : 1;
            UINT PageTableUpdateRequireAddressSpaceIdle : 1;
            UINT LargePageSupported                     : 1;
            UINT DualPteSupported                       : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
            UINT AllowNonAlignedLargePageAddress        : 1;
            UINT SysMem64KBPageSupported                : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
            UINT InvalidTlbEntriesNotCached             : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
            UINT SysMemLargePageSupported               : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
            UINT CachedPageTables                       : 1;
            UINT Reserved                               : 19;
#else
            UINT Reserved                               : 20;
#endif /* WDDM3_1 */
#else
            UINT Reserved                               : 21;
#endif /* WDDM2_9 */
#else
            UINT Reserved                               : 22;
#endif /* WDDM2_6 */
#else
            UINT Reserved                               : 24;
#endif /* WDDM2_1 */
        };
        UINT Value;
    };
    DXGK_PAGETABLEUPDATEMODE PageTableUpdateMode;
    UINT                     VirtualAddressBitCount;
    UINT                     LeafPageTableSizeFor64KPagesInBytes;
    UINT                     PageTableLevelCount;
    struct
    {
        UINT SourcePageTableVaInTransfer : 1;
        UINT Reserved                    : 31;
    } LegacyBehaviors;
} DXGK_GPUMMUCAPS;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_updatepagetable -- the UpdatePageTable
 * paging operation: copy NumPageTableEntries entries (or repeat one, Flags.Repeat)
 * into the table at PageTableAddress starting at StartIndex. All fourteen members
 * belong to the WDDM 2.0 declaration; no member is guarded on its own. */
typedef struct _DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE
{
    UINT                        PageTableLevel;
    HANDLE                      hAllocation;
    DXGK_PAGETABLEUPDATEADDRESS PageTableAddress;
    DXGK_PTE                   *pPageTableEntries;
    UINT                        StartIndex;
    UINT                        NumPageTableEntries;
    UINT                        Reserved0;
    DXGK_UPDATEPAGETABLEFLAGS   Flags;
    UINT64                      DriverProtection;
    UINT64                      AllocationOffsetInBytes;
    HANDLE                      hProcess;
    DXGK_PAGETABLEUPDATEMODE    UpdateMode;
    DXGK_PTE                   *pPageTableEntries64KB;
    D3DGPU_VIRTUAL_ADDRESS      FirstPteVirtualAddress;
} DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE;

/* ------------------------------------------------------------------------------
 * GPU VA callbacks (WDDM 2.0 and later).
 * ---------------------------------------------------------------------------- */

/* Docs: ns-d3dkmddi-_dxgkargcb_mapcontextallocation -- the kernel-mode counterpart
 * of D3DDDI_MAPGPUVIRTUALADDRESS: hAllocation is the Dxgkrnl handle returned by
 * DxgkCbCreateContextAllocation; offsets and sizes are in 4 KB pages. */
typedef struct _DXGKARGCB_MAPCONTEXTALLOCATION
{
    D3DGPU_VIRTUAL_ADDRESS                  BaseAddress;
    D3DGPU_VIRTUAL_ADDRESS                  MinimumAddress;
    D3DGPU_VIRTUAL_ADDRESS                  MaximumAddress;
    HANDLE                                  hAllocation;
    D3DGPU_SIZE_T                           OffsetInPages;
    D3DGPU_SIZE_T                           SizeInPages;
    D3DDDIGPUVIRTUALADDRESS_PROTECTION_TYPE Protection;
    UINT64                                  DriverProtection;
} DXGKARGCB_MAPCONTEXTALLOCATION;

typedef _In_ CONST DXGKARGCB_MAPCONTEXTALLOCATION *IN_CONST_PDXGKARGCB_MAPCONTEXTALLOCATION;

/* Docs: nc-d3dkmddi-dxgkcb_mapcontextallocation -- returns the mapped GPU VA, or 0
 * (D3DGPU_NULL) on failure; there is no status code. */
typedef D3DGPU_VIRTUAL_ADDRESS (APIENTRY CALLBACK *DXGKCB_MAPCONTEXTALLOCATION)(
    IN_CONST_HANDLE                          hAdapter,
    IN_CONST_PDXGKARGCB_MAPCONTEXTALLOCATION pArgs);

/* Docs: ns-d3dkmddi-_dxgkargcb_updatecontextallocation -- private driver data for a
 * context-allocation update paging operation. */
typedef struct _DXGKARGCB_UPDATECONTEXTALLOCATION
{
    HANDLE hAllocation;
    PVOID  pPrivateDriverData;
    UINT   PrivateDriverDataSize;
} DXGKARGCB_UPDATECONTEXTALLOCATION;

typedef _In_ CONST DXGKARGCB_UPDATECONTEXTALLOCATION *IN_CONST_PDXGKARGCB_UPDATECONTEXTALLOCATION;

/* Docs: nc-d3dkmddi-dxgkcb_updatecontextallocation. */
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_UPDATECONTEXTALLOCATION)(
    IN_CONST_HANDLE                             hAdapter,
    IN_CONST_PDXGKARGCB_UPDATECONTEXTALLOCATION pArgs);

/* Docs: ns-d3dkmddi-_dxgkargcb_reservegpuvirtualaddressrange -- reserve a driver-owned
 * VA range while a process is being created. SizeInBytes/BaseAddress are multiples
 * of the leaf page table coverage; Alignment is a power of two; StartVirtualAddress
 * is the only output. */
typedef struct _DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE
{
    HANDLE hDxgkProcess;
    UINT64 SizeInBytes;
    UINT   Alignment;
    UINT64 StartVirtualAddress;     /* out */
    UINT64 BaseAddress;
    union
    {
        struct
        {
            UINT AllowUserModeMapping : 1;
        };
        UINT Flags;
    };
} DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE;

typedef _Inout_ DXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE *INOUT_PDXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE;

/* Docs: nc-d3dkmddi-dxgkcb_reservegpuvirtualaddressrange. */
typedef NTSTATUS (APIENTRY CALLBACK *DXGKCB_RESERVEGPUVIRTUALADDRESSRANGE)(
    IN_CONST_HANDLE                                hAdapter,
    INOUT_PDXGKARGCB_RESERVEGPUVIRTUALADDRESSRANGE pArgs);

#endif /* WDDM2_0 */

/* ------------------------------------------------------------------------------
 * The driver's DDIs that VidMm calls (docs/behaviour.md section 2.11): their
 * argument structures and their DXGKDDI_xxx types.
 *
 * DDI type convention (as in the WDK): DXGKDDI_xxx is a FUNCTION type (a driver
 * declares its implementation as "DXGKDDI_xxx MyDdi;"), PDXGKDDI_xxx the pointer type
 * that DRIVER_INITIALIZATION_DATA (dispmprt.h) holds.
 * ---------------------------------------------------------------------------- */

/* Docs: ns-d3dkmddi-_dxgk_createdeviceflags -- a system or GDI device; the top bit is
 * reserved for the OS. */
typedef struct _DXGK_CREATEDEVICEFLAGS
{
    union
    {
        struct
        {
            UINT SystemDevice          : 1;
            UINT GdiDevice             : 1;
            UINT Reserved              : 29;
            UINT DXGK_DEVICE_RESERVED0 : 1;
        };
        UINT Value;
    };
} DXGK_CREATEDEVICEFLAGS;

/* Device information the driver may return through DXGKARG_CREATEDEVICE.pInfo; dxgk
 * never fills it, so it stays incomplete here. */
typedef struct _DXGK_DEVICEINFO DXGK_DEVICEINFO;

/* Docs: ns-d3dkmddi-_dxgkarg_createdevice -- hDevice is the driver's handle (out); the
 * creation flags share a slot with the info pointer the driver returns; from WDDM 2.0
 * the device knows its process (hKmdProcess, the driver's DxgkDdiCreateProcess handle). */
typedef struct _DXGKARG_CREATEDEVICE
{
    HANDLE hDevice;                       /* out */
    union
    {
        DXGK_CREATEDEVICEFLAGS Flags;
        DXGK_DEVICEINFO       *pInfo;     /* out */
    };
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    ULONG  Pasid;
    HANDLE hKmdProcess;
#endif
} DXGKARG_CREATEDEVICE;

typedef _Inout_ DXGKARG_CREATEDEVICE *INOUT_PDXGKARG_CREATEDEVICE;

/* Docs: nc-d3dkmddi-dxgkddi_createdevice. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_CREATEDEVICE(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARG_CREATEDEVICE pCreateDevice);
typedef DXGKDDI_CREATEDEVICE *PDXGKDDI_CREATEDEVICE;

/* Docs: nc-d3dkmddi-dxgkddi_destroydevice -- the driver's device handle only. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_DESTROYDEVICE(IN_CONST_HANDLE hDevice);
typedef DXGKDDI_DESTROYDEVICE *PDXGKDDI_DESTROYDEVICE;

/* Docs: ns-d3dkmddi-_dxgk_createcontextflags -- each interface version takes a bit:
 * VirtualAddressing WDDM 2.0, SystemProtectedContext 2.1, HwQueueSupported 2.3,
 * TestContext 3.2. */
typedef struct _DXGK_CREATECONTEXTFLAGS
{
    union
    {
        struct
        {
            UINT SystemContext          : 1;
            UINT GdiContext             : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
            UINT VirtualAddressing      : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
            UINT SystemProtectedContext : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
            UINT HwQueueSupported       : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
            UINT TestContext            : 1;
            UINT Reserved               : 26;
#else
            UINT Reserved               : 27;
#endif /* WDDM3_2 */
#else
            UINT Reserved               : 28;
#endif /* WDDM2_3 */
#else
            UINT Reserved               : 29;
#endif /* WDDM2_1 */
#else
            UINT Reserved               : 30;
#endif /* WDDM2_0 */
        };
        UINT Value;
    };
} DXGK_CREATECONTEXTFLAGS;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
/* Docs: ns-d3dkmddi-_dxgk_contextinfo_caps. */
typedef struct _DXGK_CONTEXTINFO_CAPS
{
    union
    {
        struct
        {
            UINT NoPatchingRequired     : 1;
            UINT DriverManagesResidency : 1;
            UINT UseIoMmu               : 1;
            UINT Reserved               : 29;
        };
        UINT Value;
    };
} DXGK_CONTEXTINFO_CAPS;
#endif /* WDDM2_0 */

/* Docs: ns-d3dkmddi-_dxgk_contextinfo -- what the driver answers about a new context:
 * DMA buffer and list sizes; a reserved UINT from WIN7; caps and the paging companion
 * node from WDDM 2.0. */
typedef struct _DXGK_CONTEXTINFO
{
    UINT DmaBufferSize;
    UINT DmaBufferSegmentSet;
    UINT DmaBufferPrivateDataSize;
    UINT AllocationListSize;
    UINT PatchLocationListSize;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN7)
    UINT Reserved;
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    DXGK_CONTEXTINFO_CAPS Caps;
    ULONG                 PagingCompanionNodeId;
#endif
} DXGK_CONTEXTINFO;

/* Docs: ns-d3dkmddi-_dxgkarg_createcontext -- hContext (out) is the driver's handle;
 * ContextInfo is filled by the driver. */
typedef struct _DXGKARG_CREATECONTEXT
{
    HANDLE                  hContext;              /* out */
    UINT                    NodeOrdinal;
    UINT                    EngineAffinity;
    DXGK_CREATECONTEXTFLAGS Flags;
    VOID                   *pPrivateDriverData;
    UINT                    PrivateDriverDataSize;
    DXGK_CONTEXTINFO        ContextInfo;           /* out */
} DXGKARG_CREATECONTEXT;

typedef _Inout_ DXGKARG_CREATECONTEXT *INOUT_PDXGKARG_CREATECONTEXT;

/* Docs: nc-d3dkmddi-dxgkddi_createcontext -- called with the driver's device handle. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_CREATECONTEXT(
    IN_CONST_HANDLE hDevice, INOUT_PDXGKARG_CREATECONTEXT pCreateContext);
typedef DXGKDDI_CREATECONTEXT *PDXGKDDI_CREATECONTEXT;

/* Docs: nc-d3dkmddi-dxgkddi_destroycontext. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_DESTROYCONTEXT(IN_CONST_HANDLE hContext);
typedef DXGKDDI_DESTROYCONTEXT *PDXGKDDI_DESTROYCONTEXT;

/* Docs: ne-d3dkmddi-_dxgk_queryadapterinfotype -- what DxgkDdiQueryAdapterInfo is asked
 * for; only the values dxgk asks or documents are listed, with their numbers (the
 * enumeration is 4 bytes whatever its values). */
typedef enum _DXGK_QUERYADAPTERINFOTYPE
{
    DXGKQAITYPE_UMDRIVERPRIVATE    = 0,
    DXGKQAITYPE_DRIVERCAPS         = 1,
    DXGKQAITYPE_QUERYSEGMENT       = 2,
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    DXGKQAITYPE_QUERYSEGMENT3      = 5,
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    DXGKQAITYPE_QUERYSEGMENT4      = 11,
    DXGKQAITYPE_SEGMENTMEMORYSTATE = 12,
    DXGKQAITYPE_GPUMMUCAPS         = 13,
    DXGKQAITYPE_PAGETABLELEVELDESC = 14,
#endif
} DXGK_QUERYADAPTERINFOTYPE;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
/* Docs: ns-d3dkmddi-_dxgk_queryadapterinfoflags (WDDM 2.2). */
typedef struct _DXGK_QUERYADAPTERINFOFLAGS
{
    union
    {
        struct
        {
            UINT VirtualMachineData   : 1;
            UINT SecureVirtualMachine : 1;
            UINT Reserved             : 30;
        };
        UINT Value;
    };
} DXGK_QUERYADAPTERINFOFLAGS;
#endif /* WDDM2_2 */

/* Docs: ns-d3dkmddi-_dxgkarg_queryadapterinfo -- one question (Type) with its input and
 * output buffers; Flags from WDDM 2.2, the asking process from WDDM 2.4. */
typedef struct _DXGKARG_QUERYADAPTERINFO
{
    DXGK_QUERYADAPTERINFOTYPE  Type;
    VOID                      *pInputData;
    UINT                       InputDataSize;
    VOID                      *pOutputData;
    UINT                       OutputDataSize;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
    DXGK_QUERYADAPTERINFOFLAGS Flags;
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
    HANDLE                     hKmdProcessHandle;
#endif
} DXGKARG_QUERYADAPTERINFO;

typedef _In_ CONST DXGKARG_QUERYADAPTERINFO *IN_CONST_PDXGKARG_QUERYADAPTERINFO;

/* Docs: nc-d3dkmddi-dxgkddi_queryadapterinfo. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_QUERYADAPTERINFO(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARG_QUERYADAPTERINFO pQueryAdapterInfo);
typedef DXGKDDI_QUERYADAPTERINFO *PDXGKDDI_QUERYADAPTERINFO;

/* Docs: ns-d3dkmddi-_dxgk_segmentflags -- properties of one memory segment. Bits added
 * later, each from Reserved: DirectFlip WIN8 (22 -> 21); Use64KBPages ..
 * NonLocalBudgetGroup WDDM 2.0 (-> 11); PopulatedByReservedDDRByFirmware WDDM 2.9 (-> 10). */
typedef struct _DXGK_SEGMENTFLAGS
{
    union
    {
        struct
        {
            UINT Aperture                          : 1;
            UINT Agp                               : 1;
            UINT CpuVisible                        : 1;
            UINT UseBanking                        : 1;
            UINT CacheCoherent                     : 1;
            UINT PitchAlignment                    : 1;
            UINT PopulatedFromSystemMemory         : 1;
            UINT PreservedDuringStandby            : 1;
            UINT PreservedDuringHibernate          : 1;
            UINT PartiallyPreservedDuringHibernate : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
            UINT DirectFlip                        : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
            UINT Use64KBPages                      : 1;
            UINT ReservedSysMem                    : 1;
            UINT SupportsCpuHostAperture           : 1;
            UINT SupportsCachedCpuHostAperture     : 1;
            UINT ApplicationTarget                 : 1;
            UINT VprSupported                      : 1;
            UINT VprPreservedDuringStandby         : 1;
            UINT EncryptedPagingSupported          : 1;
            UINT LocalBudgetGroup                  : 1;
            UINT NonLocalBudgetGroup               : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
            UINT PopulatedByReservedDDRByFirmware  : 1;
            UINT Reserved                          : 10;
#else
            UINT Reserved                          : 11;
#endif /* WDDM2_9 */
#else
            UINT Reserved                          : 21;
#endif /* WDDM2_0 */
#else
            UINT Reserved                          : 22;
#endif /* WIN8 */
        };
        UINT Value;
    };
} DXGK_SEGMENTFLAGS;

/* Docs: ns-d3dkmddi-_dxgk_allocationinfoflags_wddm2_0 -- the WDDM 2.0 reading of the
 * same 32 bits (DXGK_ALLOCATIONINFO.FlagsWddm2): bit 7 becomes DisableLargePageMapping
 * and bits 10..13 change meaning; CreateInVpr from WDDM 2.1 and MapApertureCpuVisible
 * from WDDM 2.9, each Reserved0n before. Bit 11 is the docs' DXGK_ALLOC_RESERVED17 (no
 * alias: spelled so once preprocessed). */
typedef struct _DXGK_ALLOCATIONINFOFLAGS_WDDM2_0
{
    union
    {
        struct
        {
            UINT CpuVisible                    : 1;
            UINT PermanentSysMem               : 1;
            UINT Cached                        : 1;
            UINT Protected                     : 1;
            UINT ExistingSysMem                : 1;
            UINT ExistingKernelSysMem          : 1;
            UINT FromEndOfSegment              : 1;
            UINT DisableLargePageMapping       : 1;
            UINT Overlay                       : 1;
            UINT Capture                       : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
            UINT CreateInVpr                   : 1;
#else
            UINT Reserved00                    : 1;
#endif
            UINT DXGK_ALLOC_RESERVED17         : 1;
            UINT Reserved02                    : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
            UINT MapApertureCpuVisible         : 1;
#else
            UINT Reserved03                    : 1;
#endif
            UINT HistoryBuffer                 : 1;
            UINT AccessedPhysically            : 1;
            UINT ExplicitResidencyNotification : 1;
            UINT HardwareProtected             : 1;
            UINT CpuVisibleOnDemand            : 1;
            UINT DXGK_ALLOC_RESERVED16         : 1;
            UINT DXGK_ALLOC_RESERVED15         : 1;
            UINT DXGK_ALLOC_RESERVED14         : 1;
            UINT DXGK_ALLOC_RESERVED13         : 1;
            UINT DXGK_ALLOC_RESERVED12         : 1;
            UINT DXGK_ALLOC_RESERVED11         : 1;
            UINT DXGK_ALLOC_RESERVED10         : 1;
            UINT DXGK_ALLOC_RESERVED9          : 1;
            UINT DXGK_ALLOC_RESERVED4          : 1;
            UINT DXGK_ALLOC_RESERVED3          : 1;
            UINT DXGK_ALLOC_RESERVED2          : 1;
            UINT DXGK_ALLOC_RESERVED1          : 1;
            UINT DXGK_ALLOC_RESERVED0          : 1;
        };
        UINT Value;
    };
} DXGK_ALLOCATIONINFOFLAGS_WDDM2_0;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_0)
/* Docs: ns-d3dkmddi-_dxgk_allocationinfoflags2 (WDDM 3.0) -- one bit at WDDM 3.0; five
 * more (NoImplicitSynchronization .. NotifyIoMmuUnmap) at WDDM 3.2 (Reserved 31 -> 26;
 * the 10.0.22621 kit has only the first bit at every version). */
typedef struct _DXGK_ALLOCATIONINFOFLAGS2
{
    union
    {
        struct
        {
            UINT ShareBackingStoreWithKmd  : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
            UINT NoImplicitSynchronization : 1;
            UINT DisablePartialResidency   : 1;
            UINT RestrictedToSingleSegment : 1;
            UINT NotifyEviction            : 1;
            UINT NotifyIoMmuUnmap          : 1;
            UINT Reserved                  : 26;
#else
            UINT Reserved                  : 31;
#endif /* WDDM3_2 */
        };
        UINT Value;
    };
} DXGK_ALLOCATIONINFOFLAGS2;
#endif /* WDDM3_0 */

/* Docs: ns-d3dkmddi-_dxgk_allocationusageinfo1 -- a standard or private format and the
 * surface geometry of one allocation. */
typedef struct _DXGK_ALLOCATIONUSAGEINFO1
{
    union
    {
        struct
        {
            UINT PrivateFormat : 1;
            UINT Swizzled      : 1;
            UINT MipMap        : 1;
            UINT Cube          : 1;
            UINT Volume        : 1;
            UINT Vertex        : 1;
            UINT Index         : 1;
            UINT Reserved      : 25;
        };
        UINT Value;
    } Flags;
    union
    {
        D3DDDIFORMAT Format;          /* Flags.PrivateFormat == 0 */
        UINT         PrivateFormat;   /* Flags.PrivateFormat == 1 */
    };
    UINT SwizzledFormat;
    UINT ByteOffset;
    UINT Width;
    UINT Height;
    UINT Pitch;
    UINT Depth;
    UINT SlicePitch;
} DXGK_ALLOCATIONUSAGEINFO1;

/* Docs: ns-d3dkmddi-_dxgk_allocationusagehint -- a versioned usage description (v1). */
typedef struct _DXGK_ALLOCATIONUSAGEHINT
{
    UINT                      Version;
    DXGK_ALLOCATIONUSAGEINFO1 v1;
} DXGK_ALLOCATIONUSAGEHINT;

/* Docs: ns-d3dkmddi-_dxgk_allocationinfo -- one allocation of a DxgkDdiCreateAllocation
 * call: the UMD's private data in, the driver's placement answer out (Size, segment
 * sets, preferences, flags, its hAllocation). Two unions the 10.0.26100 kit adds
 * without a version guard (MinimumPageSize/RecommendedPageSize over Alignment, MmuSet
 * over SupportedReadSegmentSet) are declared likewise; older kits lack those names,
 * not those bytes. Flags2 exists from WDDM 3.0 on 64-bit targets only, where it fills
 * the tail padding after AllocationPriority (the size is unchanged); a 64-bit host
 * build (no _WIN32) stands for x64/ARM64 so the C core sees what the engine lays out. */
typedef struct _DXGK_ALLOCATIONINFO
{
    VOID                      *pPrivateDriverData;
    UINT                       PrivateDriverDataSize;
    union
    {
        UINT                   Alignment;
        struct
        {
            UINT16             MinimumPageSize;
            UINT16             RecommendedPageSize;
        };
    };
    SIZE_T                     Size;                      /* out */
    SIZE_T                     PitchAlignedSize;          /* out */
    DXGK_SEGMENTBANKPREFERENCE HintedBank;
    DXGK_SEGMENTPREFERENCE     PreferredSegment;
    union
    {
        UINT                   SupportedReadSegmentSet;
        UINT                   MmuSet;
    };
    UINT                       SupportedWriteSegmentSet;
    UINT                       EvictionSegmentSet;
    union
    {
        UINT                   MaximumRenamingListLength; /* before WDDM 2.0 */
        UINT                   PhysicalAdapterIndex;      /* WDDM 2.0 and later */
    };
    HANDLE                     hAllocation;               /* out: the driver's handle */
    union
    {
        DXGK_ALLOCATIONINFOFLAGS         Flags;
        DXGK_ALLOCATIONINFOFLAGS_WDDM2_0 FlagsWddm2;
    };
    DXGK_ALLOCATIONUSAGEHINT  *pAllocationUsageHint;
    UINT                       AllocationPriority;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_0)
#if defined(_AMD64_) || defined(_ARM64_) || (!defined(_WIN32) && DXGK_PTR64)
    DXGK_ALLOCATIONINFOFLAGS2  Flags2;
#endif
#endif /* WDDM3_0 */
} DXGK_ALLOCATIONINFO;

/* Docs: ns-d3dkmddi-_dxgk_createallocationflags -- whether a resource is created with
 * the allocations. */
typedef struct _DXGK_CREATEALLOCATIONFLAGS
{
    union
    {
        struct
        {
            UINT Resource : 1;
            UINT Reserved : 31;
        };
        UINT Value;
    };
} DXGK_CREATEALLOCATIONFLAGS;

/* Docs: ns-d3dkmddi-_dxgkarg_createallocation -- NumAllocations DXGK_ALLOCATIONINFOs
 * for the driver to fill, the resource's private data, and hResource (out when
 * Flags.Resource is set). */
typedef struct _DXGKARG_CREATEALLOCATION
{
    CONST VOID                *pPrivateDriverData;
    UINT                       PrivateDriverDataSize;
    UINT                       NumAllocations;
    DXGK_ALLOCATIONINFO       *pAllocationInfo;
    HANDLE                     hResource;
    DXGK_CREATEALLOCATIONFLAGS Flags;
} DXGKARG_CREATEALLOCATION;

typedef _Inout_ DXGKARG_CREATEALLOCATION *INOUT_PDXGKARG_CREATEALLOCATION;

/* Docs: nc-d3dkmddi-dxgkddi_createallocation. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_CREATEALLOCATION(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARG_CREATEALLOCATION pCreateAllocation);
typedef DXGKDDI_CREATEALLOCATION *PDXGKDDI_CREATEALLOCATION;

/* Docs: ns-d3dkmddi-_dxgk_destroyallocationflags. */
typedef struct _DXGK_DESTROYALLOCATIONFLAGS
{
    union
    {
        struct
        {
            UINT DestroyResource : 1;
            UINT Reserved        : 31;
        };
        UINT Value;
    };
} DXGK_DESTROYALLOCATIONFLAGS;

/* Docs: ns-d3dkmddi-_dxgkarg_destroyallocation -- the driver's allocation handles
 * (what its DxgkDdiCreateAllocation returned) and, optionally, its resource. */
typedef struct _DXGKARG_DESTROYALLOCATION
{
    UINT                        NumAllocations;
    CONST HANDLE               *pAllocationList;
    HANDLE                      hResource;
    DXGK_DESTROYALLOCATIONFLAGS Flags;
} DXGKARG_DESTROYALLOCATION;

typedef _In_ CONST DXGKARG_DESTROYALLOCATION *IN_CONST_PDXGKARG_DESTROYALLOCATION;

/* Docs: nc-d3dkmddi-dxgkddi_destroyallocation. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_DESTROYALLOCATION(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARG_DESTROYALLOCATION pDestroyAllocation);
typedef DXGKDDI_DESTROYALLOCATION *PDXGKDDI_DESTROYALLOCATION;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)

/* Docs: ns-d3dkmddi-_dxgk_cpuhostaperture -- a segment's window in the CPU host
 * aperture. */
typedef struct _DXGK_CPUHOSTAPERTURE
{
    UINT64 PhysicalAddress;
    UINT32 SizeInPages;
} DXGK_CPUHOSTAPERTURE;

/* Docs: ns-d3dkmddi-_dxgk_segmentdescriptor4 -- one segment, as the driver describes it
 * for DXGKQAITYPE_QUERYSEGMENT4 (consecutive descriptors SegmentDescriptorStride bytes
 * apart); NumUEFIFrameBufferRanges from WDDM 2.2. */
typedef struct _DXGK_SEGMENTDESCRIPTOR4
{
    DXGK_SEGMENTFLAGS Flags;
    PHYSICAL_ADDRESS  BaseAddress;
    SIZE_T            Size;
    SIZE_T            CommitLimit;
    SIZE_T            SystemMemoryEndAddress;
    union
    {
        PHYSICAL_ADDRESS     CpuTranslatedAddress;
        DXGK_CPUHOSTAPERTURE CpuHostAperture;
    };
    UINT              NumInvalidMemoryRanges;
    SIZE_T            VprRangeStartOffset;
    SIZE_T            VprRangeSize;
    UINT              VprAlignment;
    UINT              NumVprSupported;
    UINT              VprReserveSize;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
    UINT              NumUEFIFrameBufferRanges;
#endif
} DXGK_SEGMENTDESCRIPTOR4;

/* Docs: ns-d3dkmddi-_dxgk_querysegmentout4 -- the answer to DXGKQAITYPE_QUERYSEGMENT4:
 * the descriptors (a byte pointer with a stride) and the paging buffer's needs. */
typedef struct _DXGK_QUERYSEGMENTOUT4
{
    UINT   NbSegment;
    BYTE  *pSegmentDescriptor;
    UINT   PagingBufferSegmentId;
    UINT   PagingBufferSize;
    UINT   PagingBufferPrivateDataSize;
    SIZE_T SegmentDescriptorStride;
} DXGK_QUERYSEGMENTOUT4;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_flushtlb -- invalidate the TLB entries of
 * [StartVirtualAddress, EndVirtualAddress) of one process, named by its root table. */
typedef struct _DXGK_BUILDPAGINGBUFFER_FLUSHTLB
{
    D3DGPU_PHYSICAL_ADDRESS RootPageTableAddress;
    HANDLE                  hProcess;
    D3DGPU_VIRTUAL_ADDRESS  StartVirtualAddress;
    D3DGPU_VIRTUAL_ADDRESS  EndVirtualAddress;
} DXGK_BUILDPAGINGBUFFER_FLUSHTLB;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_notifyresidency -- an allocation became
 * resident at PhysicalAddress, or was evicted. Resident and Reserved are two bitfields
 * of ONE union (both start at bit 0), not a struct of bits: the declaration says so. */
typedef struct _DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY
{
    HANDLE                  hAllocation;
    D3DGPU_PHYSICAL_ADDRESS PhysicalAddress;
    union
    {
        UINT Resident : 1;
        UINT Reserved : 31;
    };
} DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_updatecontextallocation -- what
 * DxgkCbUpdateContextAllocation asks the driver to write into a context allocation. */
typedef struct _DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION
{
    D3DGPU_VIRTUAL_ADDRESS ContextAllocation;
    UINT64                 ContextAllocationSize;
    PVOID                  pDriverPrivateData;
    UINT                   DriverPrivateDataSize;
} DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION;

/* Docs: ns-d3dkmddi-_dxgkarg_setrootpagetable -- a context's root page table. */
typedef struct _DXGKARG_SETROOTPAGETABLE
{
    HANDLE                  hContext;
    D3DGPU_PHYSICAL_ADDRESS Address;
    UINT                    NumEntries;
} DXGKARG_SETROOTPAGETABLE;

typedef _In_ CONST DXGKARG_SETROOTPAGETABLE *IN_CONST_PDXGKARG_SETROOTPAGETABLE;

/* Docs: nc-d3dkmddi-dxgkddi_setrootpagetable -- returns nothing. */
typedef VOID APIENTRY DXGKDDI_SETROOTPAGETABLE(
    IN_CONST_HANDLE hAdapter, IN_CONST_PDXGKARG_SETROOTPAGETABLE pSetPageTable);
typedef DXGKDDI_SETROOTPAGETABLE *PDXGKDDI_SETROOTPAGETABLE;

/* Docs: ns-d3dkmddi-_dxgkarg_getrootpagetablesize -- NumberOfPte in/out. */
typedef struct _DXGKARG_GETROOTPAGETABLESIZE
{
    UINT NumberOfPte;
    UINT PhysicalAdapterIndex;
} DXGKARG_GETROOTPAGETABLESIZE;

typedef _Inout_ DXGKARG_GETROOTPAGETABLESIZE *INOUT_PDXGKARG_GETROOTPAGETABLESIZE;

/* Docs: nc-d3dkmddi-dxgkddi_getrootpagetablesize -- returns the size in bytes. */
typedef SIZE_T APIENTRY DXGKDDI_GETROOTPAGETABLESIZE(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARG_GETROOTPAGETABLESIZE pArgs);
typedef DXGKDDI_GETROOTPAGETABLESIZE *PDXGKDDI_GETROOTPAGETABLESIZE;

/* Docs: ns-d3dkmddi-_dxgk_createprocessflags -- bits added at WDDM 2.2, 2.4 and 2.5. */
typedef struct _DXGK_CREATEPROCESSFLAGS
{
    union
    {
        struct
        {
            UINT SystemProcess               : 1;
            UINT GdiProcess                  : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
            UINT VirtualMachineProcess       : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
            UINT VirtualMachineWorkerProcess : 1;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
            UINT SessionIsolatedContainer    : 1;
            UINT Reserved                    : 27;
#else
            UINT Reserved                    : 28;
#endif /* WDDM2_5 */
#else
            UINT Reserved                    : 29;
#endif /* WDDM2_4 */
#else
            UINT Reserved                    : 30;
#endif /* WDDM2_2 */
        };
        UINT Value;
    };
} DXGK_CREATEPROCESSFLAGS;

/* Docs: ns-d3dkmddi-_dxgkarg_createprocess -- hDxgkProcess is Dxgkrnl's handle (what
 * DxgkCbReserveGpuVirtualAddressRange takes), hKmdProcess the driver's (out); the VM
 * worker process and the process name from WDDM 2.4. */
typedef struct _DXGKARG_CREATEPROCESS
{
    HANDLE                  hDxgkProcess;
    HANDLE                  hKmdProcess;          /* out */
    DXGK_CREATEPROCESSFLAGS Flags;
    UINT                    NumPasid;
    _Field_size_(NumPasid)
    ULONG                  *pPasid;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
    HANDLE                  hKmdVmWorkerProcess;
    UINT                    ProcessNameLength;
    _Field_size_(ProcessNameLength)
    WCHAR                  *pProcessName;
#endif
} DXGKARG_CREATEPROCESS;

typedef _Inout_ DXGKARG_CREATEPROCESS *INOUT_PDXGKARG_CREATEPROCESS;

/* Docs: nc-d3dkmddi-dxgkddi_createprocess. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_CREATEPROCESS(
    IN_CONST_HANDLE hAdapter, INOUT_PDXGKARG_CREATEPROCESS pArgs);
typedef DXGKDDI_CREATEPROCESS *PDXGKDDI_CREATEPROCESS;

/* Docs: nc-d3dkmddi-dxgkddi_destroyprocess -- the driver's process handle. */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_DESTROYPROCESS(
    IN_CONST_HANDLE hAdapter, IN_CONST_HANDLE hKmdProcess);
typedef DXGKDDI_DESTROYPROCESS *PDXGKDDI_DESTROYPROCESS;

#endif /* WDDM2_0 */

/* ------------------------------------------------------------------------------
 * DxgkDdiBuildPagingBuffer: the operations VidMm asks the driver to write into a
 * paging (DMA) buffer, their argument structures, and DXGKARG_BUILDPAGINGBUFFER,
 *  which holds one of them in a union (docs/behaviour.md section 2.11).
 * ---------------------------------------------------------------------------- */

/* Docs: ne-d3dkmddi-_dxgk_buildpagingbuffer_operation -- which union arm of
 * DXGKARG_BUILDPAGINGBUFFER is meant. Values 0..4 and 7 are WDDM 1.x only, 8/9
 * (WIN7) and 11.. (WDDM 2.0) WDDM 2 only. NOTIFY_FENCE_RESIDENCY is guarded by
 * WDDM 2.9 as in the 10.0.26100 kit; the 10.0.22621 kit has no such value (nor the
 * NotifyFenceResidency arm) at any version. */
typedef enum _DXGK_BUILDPAGINGBUFFER_OPERATION
{
    DXGK_OPERATION_TRANSFER                  = 0,
    DXGK_OPERATION_FILL                      = 1,
    DXGK_OPERATION_DISCARD_CONTENT           = 2,
    DXGK_OPERATION_READ_PHYSICAL             = 3,
    DXGK_OPERATION_WRITE_PHYSICAL            = 4,
    DXGK_OPERATION_MAP_APERTURE_SEGMENT      = 5,
    DXGK_OPERATION_UNMAP_APERTURE_SEGMENT    = 6,
    DXGK_OPERATION_SPECIAL_LOCK_TRANSFER     = 7,
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN7)
    DXGK_OPERATION_VIRTUAL_TRANSFER          = 8,
    DXGK_OPERATION_VIRTUAL_FILL              = 9,
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
    DXGK_OPERATION_INIT_CONTEXT_RESOURCE     = 10,
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    DXGK_OPERATION_UPDATE_PAGE_TABLE         = 11,
    DXGK_OPERATION_FLUSH_TLB                 = 12,
    DXGK_OPERATION_UPDATE_CONTEXT_ALLOCATION = 13,
    DXGK_OPERATION_COPY_PAGE_TABLE_ENTRIES   = 14,
    DXGK_OPERATION_NOTIFY_RESIDENCY          = 15,
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
    DXGK_OPERATION_SIGNAL_MONITORED_FENCE    = 16,
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
    DXGK_OPERATION_MAP_APERTURE_SEGMENT2     = 17,
    DXGK_OPERATION_NOTIFY_FENCE_RESIDENCY    = 18,
#endif
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
    DXGK_OPERATION_MAP_MMU                   = 19,
    DXGK_OPERATION_UNMAP_MMU                 = 20,
    DXGK_OPERATION_NOTIFY_RESIDENCY2         = 21,
    DXGK_OPERATION_NOTIFY_ALLOC              = 22,
#endif
} DXGK_BUILDPAGINGBUFFER_OPERATION;

/* Docs: ns-d3dkmddi-_dxgk_transferflags. */
typedef struct _DXGK_TRANSFERFLAGS
{
    union
    {
        struct
        {
            UINT Swizzle          : 1;
            UINT Unswizzle        : 1;
            UINT AllocationIsIdle : 1;
            UINT TransferStart    : 1;
            UINT TransferEnd      : 1;
            UINT Reserved         : 27;
        };
        UINT Value;
    };
} DXGK_TRANSFERFLAGS;

/* Docs: ns-d3dkmddi-_dxgk_discardcontentflags. */
typedef struct _DXGK_DISCARDCONTENTFLAGS
{
    union
    {
        struct
        {
            UINT AllocationIsIdle : 1;
            UINT Reserved         : 31;
        };
        UINT Value;
    };
} DXGK_DISCARDCONTENTFLAGS;

/* Docs: ns-d3dkmddi-_dxgk_mapapertureflags. */
typedef struct _DXGK_MAPAPERTUREFLAGS
{
    union
    {
        struct
        {
            UINT CacheCoherent : 1;
            UINT Reserved      : 31;
        };
        UINT Value;
    };
} DXGK_MAPAPERTUREFLAGS;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_copy_range -- one run of entries to copy
 * from one page table to another. */
typedef struct _DXGK_BUILDPAGINGBUFFER_COPY_RANGE
{
    UINT                   NumPageTableEntries;
    D3DGPU_VIRTUAL_ADDRESS SrcPageTableAddress;
    D3DGPU_VIRTUAL_ADDRESS DstPageTableAddress;
    UINT                   SrcStartPteIndex;
    UINT                   DstStartPteIndex;
} DXGK_BUILDPAGINGBUFFER_COPY_RANGE;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_fillvirtual. */
typedef struct _DXGK_BUILDPAGINGBUFFER_FILLVIRTUAL
{
    HANDLE                 hAllocation;
    UINT64                 AllocationOffsetInBytes;
    UINT64                 FillSizeInBytes;
    UINT                   FillPattern;
    D3DGPU_VIRTUAL_ADDRESS DestinationVirtualAddress;
} DXGK_BUILDPAGINGBUFFER_FILLVIRTUAL;

/* Docs: ne-d3dkmddi-_dxgk_memory_transfer_direction. */
typedef enum _DXGK_MEMORY_TRANSFER_DIRECTION
{
    DXGK_MEMORY_TRANSFER_LOCAL_TO_SYSTEM = 0,
    DXGK_MEMORY_TRANSFER_SYSTEM_TO_LOCAL = 1,
    DXGK_MEMORY_TRANSFER_LOCAL_TO_LOCAL  = 2,
} DXGK_MEMORY_TRANSFER_DIRECTION;

/* Docs: ns-d3dkmddi-_dxgk_transfervirtualflags -- note the word is named Flags, not
 * Value. */
typedef struct _DXGK_TRANSFERVIRTUALFLAGS
{
    union
    {
        struct
        {
            UINT Src64KBPages : 1;
            UINT Dst64KBPages : 1;
            UINT Reserved     : 30;
        };
        UINT Flags;
    };
} DXGK_TRANSFERVIRTUALFLAGS;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_transfervirtual. */
typedef struct _DXGK_BUILDPAGINGBUFFER_TRANSFERVIRTUAL
{
    HANDLE                         hAllocation;
    UINT64                         AllocationOffsetInBytes;
    UINT64                         TransferSizeInBytes;
    D3DGPU_VIRTUAL_ADDRESS         SourceVirtualAddress;
    D3DGPU_VIRTUAL_ADDRESS         DestinationVirtualAddress;
    D3DGPU_VIRTUAL_ADDRESS         SourcePageTable;
    DXGK_MEMORY_TRANSFER_DIRECTION TransferDirection;
    DXGK_TRANSFERVIRTUALFLAGS      Flags;
    D3DGPU_VIRTUAL_ADDRESS         DestinationPageTable;
} DXGK_BUILDPAGINGBUFFER_TRANSFERVIRTUAL;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_copypagetableentries. */
typedef struct _DXGK_BUILDPAGINGBUFFER_COPYPAGETABLEENTRIES
{
    UINT                               NumRanges;
    DXGK_BUILDPAGINGBUFFER_COPY_RANGE *pRanges;
} DXGK_BUILDPAGINGBUFFER_COPYPAGETABLEENTRIES;

#endif /* WDDM2_0 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_signalmonitoredfence. */
typedef struct _DXGK_BUILDPAGINGBUFFER_SIGNALMONITOREDFENCE
{
    D3DGPU_VIRTUAL_ADDRESS MonitoredFenceGpuVa;
    UINT64                 MonitoredFenceValue;
} DXGK_BUILDPAGINGBUFFER_SIGNALMONITOREDFENCE;
#endif /* WDDM2_2 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)

/* A page frame number (pointer-sized). */
typedef UINT_PTR DXGK_PAGE_NUMBER;

/* Docs: ns-d3dkmddi-_dxgk_adl_flags. */
typedef struct _DXGK_ADL_FLAGS
{
    union
    {
        struct
        {
            UINT32 Contiguous : 1;
            UINT32 Reserved   : 31;
        };
        UINT32 Value;
    };
} DXGK_ADL_FLAGS;

/* Docs: ns-d3dkmddi-_dxgk_adl -- an address descriptor list: PageCount pages, either
 * contiguous from BasePageNumber or listed in Pages. */
typedef struct _DXGK_ADL
{
    UINT32         PageCount;
    DXGK_ADL_FLAGS Flags;
    union
    {
        DXGK_PAGE_NUMBER        BasePageNumber;   /* Flags.Contiguous == 1 */
        _Field_size_(PageCount)
        const DXGK_PAGE_NUMBER *Pages;            /* Flags.Contiguous == 0 */
    };
} DXGK_ADL;

/* Docs: ns-d3dkmddi-_dxgk_fence_residency_info -- where one native fence's values now
 * live. (With the arm below: the 10.0.26100 kit's WDDM 2.9 block; absent from
 * 10.0.22621.) */
typedef struct _DXGK_FENCE_RESIDENCY_INFO
{
    HANDLE                  hGlobalNativeFence;
    D3DGPU_PHYSICAL_ADDRESS CurrentValuePhysicalAddress;
    D3DGPU_PHYSICAL_ADDRESS MonitoredValuePhysicalAddress;
    VOID                   *CurrentValueKernelCpuVa;
    VOID                   *MonitoredValueKernelCpuVa;
} DXGK_FENCE_RESIDENCY_INFO;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_notify_fence_residency -- Flags is a named
 * union holding one 32-bit reserved bitfield. */
typedef struct _DXGK_BUILDPAGINGBUFFER_NOTIFY_FENCE_RESIDENCY
{
    UINT NumFences;
    union
    {
        UINT Reserved : 32;
    } Flags;
    DXGK_FENCE_RESIDENCY_INFO *FenceResidencyInfo;
} DXGK_BUILDPAGINGBUFFER_NOTIFY_FENCE_RESIDENCY;

#endif /* WDDM2_9 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_mapmmu (WDDM 3.2). */
typedef struct _DXGK_BUILDPAGINGBUFFER_MAPMMU
{
    HANDLE   hAllocation;
    UINT64   VirtualAddress;
    UINT16   MmuId;
    UINT16   SegmentId;
    UINT32   AllocationOffsetInPages;
    DXGK_ADL Adl;
} DXGK_BUILDPAGINGBUFFER_MAPMMU;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_unmapmmu (WDDM 3.2). */
typedef struct _DXGK_BUILDPAGINGBUFFER_UNMAPMMU
{
    HANDLE hAllocation;
    UINT64 VirtualAddress;
    UINT16 MmuId;
    UINT16 Reserved0;
    UINT32 AllocationOffset;
    UINT32 NumberOfPages;
} DXGK_BUILDPAGINGBUFFER_UNMAPMMU;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_notifyresidency2 (WDDM 3.2) -- unlike
 * NOTIFYRESIDENCY its Resident/Reserved bits are a struct (consecutive bits). */
typedef struct _DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY2
{
    HANDLE hAllocation;
    UINT32 AllocationOffsetInPages;
    UINT32 SizeInPages;
    UINT16 SegmentId;
    UINT16 Padding0;
    union
    {
        D3DGPU_PHYSICAL_ADDRESS PhysicalAddress;
        MDL                    *Mdl;
    };
    struct
    {
        UINT32 Resident : 1;
        UINT32 Reserved : 31;
    };
} DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY2;

/* Docs: ns-d3dkmddi-_dxgk_notifyallocflags (WDDM 3.2). */
typedef struct _DXGK_NOTIFYALLOCFLAGS
{
    union
    {
        struct
        {
            UINT Eviction   : 1;
            UINT IoMmuUnmap : 1;
            UINT Reserved   : 30;
        };
        UINT Value;
    };
} DXGK_NOTIFYALLOCFLAGS;

/* Docs: ns-d3dkmddi-_dxgk_buildpagingbuffer_notifyalloc (WDDM 3.2). */
typedef struct _DXGK_BUILDPAGINGBUFFER_NOTIFYALLOC
{
    HANDLE                hAllocation;
    HANDLE                hKmdProcessHandle;
    DXGK_NOTIFYALLOCFLAGS Flags;
    UINT64                OffsetInBytes;
    UINT64                SizeInBytes;
    UINT64                GpuVirtualAddressAtOffset;
} DXGK_BUILDPAGINGBUFFER_NOTIFYALLOC;

#endif /* WDDM3_2 */

/* Docs: ns-d3dkmddi-_dxgkarg_buildpagingbuffer -- one paging operation. The DMA buffer
 * and its private data (both in/out: the driver advances them past what it wrote),
 * Operation, MultipassOffset (the driver's progress across
 * STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER retries), then the union of the operation
 * arms -- every arm of every version, each under its guard; the Reserved arm (64 UINTs)
 * fixes the union at 256 bytes on every ABI and at every version, so the guards change
 * member names, never offsets or the size -- then hSystemContext and, from WDDM 2.0,
 * the DMA buffer's GPU VA and write offset. */
typedef struct _DXGKARG_BUILDPAGINGBUFFER
{
    VOID                            *pDmaBuffer;
    UINT                             DmaSize;
    VOID                            *pDmaBufferPrivateData;
    UINT                             DmaBufferPrivateDataSize;
    DXGK_BUILDPAGINGBUFFER_OPERATION Operation;
    UINT                             MultipassOffset;
    union
    {
        struct
        {
            HANDLE hAllocation;
            UINT   TransferOffset;
            SIZE_T TransferSize;
            struct
            {
                UINT SegmentId;
                union
                {
                    LARGE_INTEGER SegmentAddress;
                    MDL          *pMdl;
                };
            } Source;
            struct
            {
                UINT SegmentId;
                union
                {
                    LARGE_INTEGER SegmentAddress;
                    MDL          *pMdl;
                };
            } Destination;
            DXGK_TRANSFERFLAGS Flags;
            UINT               MdlOffset;
        } Transfer;

        struct
        {
            HANDLE hAllocation;
            SIZE_T FillSize;
            UINT   FillPattern;
            struct
            {
                UINT          SegmentId;
                LARGE_INTEGER SegmentAddress;
            } Destination;
        } Fill;

        struct
        {
            HANDLE                   hAllocation;
            DXGK_DISCARDCONTENTFLAGS Flags;
            UINT                     SegmentId;
            PHYSICAL_ADDRESS         SegmentAddress;
        } DiscardContent;

        struct
        {
            UINT             SegmentId;
            PHYSICAL_ADDRESS PhysicalAddress;
        } ReadPhysical;

        struct
        {
            UINT             SegmentId;
            PHYSICAL_ADDRESS PhysicalAddress;
        } WritePhysical;

        struct
        {
            HANDLE                hDevice;
            HANDLE                hAllocation;
            UINT                  SegmentId;
            SIZE_T                OffsetInPages;
            SIZE_T                NumberOfPages;
            PMDL                  pMdl;
            DXGK_MAPAPERTUREFLAGS Flags;
            ULONG                 MdlOffset;
        } MapApertureSegment;

        struct
        {
            HANDLE           hDevice;
            HANDLE           hAllocation;
            UINT             SegmentId;
            SIZE_T           OffsetInPages;
            SIZE_T           NumberOfPages;
            PHYSICAL_ADDRESS DummyPage;
        } UnmapApertureSegment;

        struct
        {
            HANDLE hAllocation;
            UINT   TransferOffset;
            SIZE_T TransferSize;
            struct
            {
                UINT SegmentId;
                union
                {
                    LARGE_INTEGER SegmentAddress;
                    MDL          *pMdl;
                };
            } Source;
            struct
            {
                UINT SegmentId;
                union
                {
                    LARGE_INTEGER SegmentAddress;
                    MDL          *pMdl;
                };
            } Destination;
            DXGK_TRANSFERFLAGS Flags;
            UINT               SwizzlingRangeId;
            UINT               SwizzlingRangeData;
        } SpecialLockTransfer;

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
        struct
        {
            HANDLE hAllocation;
            struct
            {
                UINT SegmentId;
                union
                {
                    LARGE_INTEGER SegmentAddress;
                    MDL          *pMdl;
                };
                PVOID VirtualAddress;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
                D3DGPU_VIRTUAL_ADDRESS GpuVirtualAddress;
#endif
            } Destination;
        } InitContextResource;
#endif /* WIN8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
        DXGK_BUILDPAGINGBUFFER_TRANSFERVIRTUAL         TransferVirtual;
        DXGK_BUILDPAGINGBUFFER_FILLVIRTUAL             FillVirtual;
        DXGK_BUILDPAGINGBUFFER_UPDATEPAGETABLE         UpdatePageTable;
        DXGK_BUILDPAGINGBUFFER_FLUSHTLB                FlushTlb;
        DXGK_BUILDPAGINGBUFFER_COPYPAGETABLEENTRIES    CopyPageTableEntries;
        DXGK_BUILDPAGINGBUFFER_UPDATECONTEXTALLOCATION UpdateContextAllocation;
        DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY         NotifyResidency;
#endif /* WDDM2_0 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
        DXGK_BUILDPAGINGBUFFER_SIGNALMONITOREDFENCE    SignalMonitoredFence;
#endif /* WDDM2_2 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
        struct
        {
            HANDLE                hDevice;
            HANDLE                hAllocation;
            UINT                  SegmentId;
            SIZE_T                OffsetInPages;
            SIZE_T                NumberOfPages;
            DXGK_ADL              Adl;
            DXGK_MAPAPERTUREFLAGS Flags;
            ULONG                 AdlOffset;
            PVOID                 CpuVisibleAddress;
        } MapApertureSegment2;
        /* 10.0.26100 kit: present from WDDM 2.9; 10.0.22621 kit: absent (see the enum). */
        DXGK_BUILDPAGINGBUFFER_NOTIFY_FENCE_RESIDENCY  NotifyFenceResidency;
#endif /* WDDM2_9 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
        DXGK_BUILDPAGINGBUFFER_MAPMMU                  MmapMmu;   /* sic: the docs' name */
        DXGK_BUILDPAGINGBUFFER_UNMAPMMU                UnmapMmu;
        DXGK_BUILDPAGINGBUFFER_NOTIFYRESIDENCY2        NotifyResidency2;
        DXGK_BUILDPAGINGBUFFER_NOTIFYALLOC             NotifyAllocation;
#endif /* WDDM3_2 */

        struct
        {
            UINT Reserved[64];
        } Reserved;
    };
    HANDLE                           hSystemContext;
#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
    D3DGPU_VIRTUAL_ADDRESS           DmaBufferGpuVirtualAddress;
    UINT                             DmaBufferWriteOffset;
#endif
} DXGKARG_BUILDPAGINGBUFFER;

typedef _In_ DXGKARG_BUILDPAGINGBUFFER *IN_PDXGKARG_BUILDPAGINGBUFFER;

/* Docs: nc-d3dkmddi-dxgkddi_buildpagingbuffer -- the argument is writable (the driver
 * advances pDmaBuffer and sets MultipassOffset). */
typedef _Check_return_ NTSTATUS APIENTRY DXGKDDI_BUILDPAGINGBUFFER(
    IN_CONST_HANDLE hAdapter, IN_PDXGKARG_BUILDPAGINGBUFFER pBuildPagingBuffer);
typedef DXGKDDI_BUILDPAGINGBUFFER *PDXGKDDI_BUILDPAGINGBUFFER;

/* ------------------------------------------------------------------------------
 * The rest of DRIVER_INITIALIZATION_DATA's d3dkmddi.h DDIs. The two timeout DDIs take
 * only the adapter handle and are declared exactly; the others, which this project
 * never calls, are opaque pointer types (the PDXGKDDI_xxx name, the documented return
 * type, an elided "(void)" parameter list), each under the guard of the table member
 * that holds it: a pointer either way, so the table is byte-exact.
 * ---------------------------------------------------------------------------- */

/* Docs: nc-d3dkmddi-dxgkddi_resetfromtimeout / dxgkddi_restartfromtimeout. */
typedef _Check_return_ NTSTATUS APIENTRY CALLBACK DXGKDDI_RESETFROMTIMEOUT(IN_CONST_HANDLE hAdapter);
typedef DXGKDDI_RESETFROMTIMEOUT *PDXGKDDI_RESETFROMTIMEOUT;
typedef _Check_return_ NTSTATUS APIENTRY CALLBACK DXGKDDI_RESTARTFROMTIMEOUT(IN_CONST_HANDLE hAdapter);
typedef DXGKDDI_RESTARTFROMTIMEOUT *PDXGKDDI_RESTARTFROMTIMEOUT;

typedef NTSTATUS (APIENTRY *PDXGKDDI_DESCRIBEALLOCATION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_GETSTANDARDALLOCATIONDRIVERDATA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_ACQUIRESWIZZLINGRANGE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RELEASESWIZZLINGRANGE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_PATCH)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SUBMITCOMMAND)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_PREEMPTCOMMAND)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETPALETTE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETPOINTERPOSITION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETPOINTERSHAPE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_ESCAPE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_COLLECTDBGINFO)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERYCURRENTFENCE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_ISSUPPORTEDVIDPN)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RECOMMENDFUNCTIONALVIDPN)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_ENUMVIDPNCOFUNCMODALITY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIDPNSOURCEADDRESS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIDPNSOURCEVISIBILITY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_COMMITVIDPN)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_UPDATEACTIVEVIDPNPRESENTPATH)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RECOMMENDMONITORMODES)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RECOMMENDVIDPNTOPOLOGY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_GETSCANLINE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_STOPCAPTURE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CONTROLINTERRUPT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CREATEOVERLAY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_OPENALLOCATIONINFO)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CLOSEALLOCATION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RENDER)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_PRESENT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_UPDATEOVERLAY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_FLIPOVERLAY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYOVERLAY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETDISPLAYPRIVATEDRIVERFORMAT)(void);

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN7)
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERYVIDPNHWCAPABILITY)(void);
#endif /* WIN7 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WIN8)
typedef NTSTATUS (APIENTRY *PDXGKDDISETPOWERCOMPONENTFSTATE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERYDEPENDENTENGINEGROUP)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERYENGINESTATUS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RESETENGINE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CANCELCOMMAND)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDIPOWERRUNTIMECONTROLREQUEST)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIDPNSOURCEADDRESSWITHMULTIPLANEOVERLAY)(void);
#endif /* WIN8 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM1_3)
typedef NTSTATUS (APIENTRY *PDXGKDDI_GETNODEMETADATA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDISETPOWERPSTATE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CONTROLINTERRUPT2)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CHECKMULTIPLANEOVERLAYSUPPORT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CALIBRATEGPUCLOCK)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_FORMATHISTORYBUFFER)(void);
#endif /* WDDM1_3 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_0)
typedef NTSTATUS (APIENTRY *PDXGKDDI_RENDERGDI)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SUBMITCOMMANDVIRTUAL)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_MAPCPUHOSTAPERTURE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_UNMAPCPUHOSTAPERTURE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CHECKMULTIPLANEOVERLAYSUPPORT2)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIDPNSOURCEADDRESSWITHMULTIPLANEOVERLAY2)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_POWERRUNTIMESETDEVICEHANDLE)(void);
typedef VOID     (APIENTRY *PDXGKDDI_SETSTABLEPOWERSTATE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIDEOPROTECTEDREGION)(void);
#endif /* WDDM2_0 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_1)
typedef NTSTATUS (APIENTRY *PDXGKDDI_CHECKMULTIPLANEOVERLAYSUPPORT3)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIDPNSOURCEADDRESSWITHMULTIPLANEOVERLAY3)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_POSTMULTIPLANEOVERLAYPRESENT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_VALIDATEUPDATEALLOCATIONPROPERTY)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CONTROLMODEBEHAVIOR)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_UPDATEMONITORLINKINFO)(void);
#endif /* WDDM2_1 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_2)
typedef NTSTATUS (APIENTRY *PDXGKDDI_CREATEHWCONTEXT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYHWCONTEXT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CREATEHWQUEUE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYHWQUEUE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SUBMITCOMMANDTOHWQUEUE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SWITCHTOHWCONTEXTLIST)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RESETHWENGINE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CREATEPERIODICFRAMENOTIFICATION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYPERIODICFRAMENOTIFICATION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETTIMINGSFROMVIDPN)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETTARGETGAMMA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETTARGETCONTENTTYPE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETTARGETANALOGCOPYPROTECTION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DISPLAYDETECTCONTROL)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERYCONNECTIONCHANGE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_GETMULTIPLANEOVERLAYCAPS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_GETPOSTCOMPOSITIONCAPS)(void);
#endif /* WDDM2_2 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_3)
typedef NTSTATUS (APIENTRY *PDXGKDDI_UPDATEHWCONTEXTSTATE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CREATEPROTECTEDSESSION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYPROTECTEDSESSION)(void);
#endif /* WDDM2_3 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_4)
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETSCHEDULINGLOGBUFFER)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETUPPRIORITYBANDS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_NOTIFYFOCUSPRESENT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETCONTEXTSCHEDULINGPROPERTIES)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SUSPENDCONTEXT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RESUMECONTEXT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIRTUALMACHINEDATA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_BEGINEXCLUSIVEACCESS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_ENDEXCLUSIVEACCESS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RESUMEHWENGINE)(void);
#endif /* WDDM2_4 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_5)
typedef NTSTATUS (APIENTRY *PDXGKDDI_SIGNALMONITOREDFENCE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_PRESENTTOHWQUEUE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_VALIDATESUBMITCOMMAND)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETTRACKEDWORKLOADPOWERLEVEL)(void);
#endif /* WDDM2_5 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_6)
typedef NTSTATUS (APIENTRY *PDXGKDDI_SAVEMEMORYFORHOTUPDATE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RESTOREMEMORYFORHOTUPDATE)(void);
#endif /* WDDM2_6 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_7)
typedef NTSTATUS (APIENTRY *PDXGKDDI_CONTROLINTERRUPT3)(void);
#endif /* WDDM2_7 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM2_9)
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETFLIPQUEUELOGBUFFER)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_UPDATEFLIPQUEUELOG)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CANCELQUEUEDFLIPS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETINTERRUPTTARGETPRESENTID)(void);
#endif /* WDDM2_9 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_0)
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETALLOCATIONBACKINGSTORE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CREATECPUEVENT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYCPUEVENT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CANCELFLIPS)(void);
#endif /* WDDM3_0 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_1)
typedef NTSTATUS (APIENTRY *PDXGKDDI_CREATENATIVEFENCE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYNATIVEFENCE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_UPDATEMONITOREDVALUES)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_UPDATECURRENTVALUESFROMCPU)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CREATEDOORBELL)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CONNECTDOORBELL)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DISCONNECTDOORBELL)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYDOORBELL)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_NOTIFYWORKSUBMISSION)(void);
#endif /* WDDM3_1 */

#if (DXGKDDI_INTERFACE_VERSION >= DXGKDDI_INTERFACE_VERSION_WDDM3_2)
typedef HANDLE   (APIENTRY *PDXGKDDI_CREATEMEMORYBASIS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_DESTROYMEMORYBASIS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_STARTDIRTYTRACKING)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_STOPDIRTYTRACKING)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_QUERYDIRTYBITDATA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_PREPARELIVEMIGRATION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SAVEIMMUTABLEMIGRATIONDATA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SAVEMUTABLEMIGRATIONDATA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_ENDLIVEMIGRATION)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RESTOREIMMUTABLEMIGRATIONDATA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RESTOREMUTABLEMIGRATIONDATA)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_WRITEVIRTUALIZEDINTERRUPT)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIRTUALGPURESOURCES2)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETVIRTUALFUNCTIONPAUSESTATE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_OPENNATIVEFENCE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_CLOSENATIVEFENCE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_SETNATIVEFENCELOGBUFFER)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_UPDATENATIVEFENCELOGS)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_COLLECTDBGINFO2)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_NOTIFYCONTEXTPRIORITYCHANGE)(void);
typedef NTSTATUS (APIENTRY *PDXGKDDI_RESETDISPLAYENGINE)(void);
#endif /* WDDM3_2 */

#endif /* DXGK_D3DKMDDI_H */
