/*
 * d3dkmddi_spec10.h -- part of the imitation d3dkmddi.h (written for dxgk's tests): the SPEC 10
 * declarations (paging buffer, allocations, the driver's DDI table), declared as in
 * dxgk's subset. Included by sdk_match/km/d3dkmddi.h and by sdk_diff/d3dkmddi.h, which have
 * no deliberate difference here.
 */
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
#if defined(_AMD64_) || defined(_ARM64_)
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

/* ------------------------------------------------------------------------------
 * DxgkDdiBuildPagingBuffer: the operations VidMm asks the driver to write into a
 * paging (DMA) buffer, their argument structures, and DXGKARG_BUILDPAGINGBUFFER,
 * which holds one of them in a union (docs/behaviour.md section 10.2).
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

