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

#endif /* DXGK_D3DKMDDI_H */
