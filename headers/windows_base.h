/*
 * windows_base.h -- the Windows base types the dxgk header subset needs, with the
 * widths they have on Windows (LLP64 on 64-bit targets, ILP32 on x86).
 *
 * Who reads this file:
 *   - dxgk's layout engine and libclang, targeting x86 / x64 / ARM64 Windows: the
 *     per-ABI macros (_WIN32, _WIN64, _M_IX86/_M_X64/_M_ARM64, ...) are predefined;
 *   - the host C compiler building dxgk's C core on a non-Windows host: no Windows
 *     macro is defined, and DXGK_HOST_PTR64 selects the host's pointer width.
 * Fixed widths: ULONG is 32 bits everywhere (Windows is LLP64), so it is spelt with
 * `int`, never `long`, which is 64 bits on LP64 hosts.
 */
#ifndef DXGK_WINDOWS_BASE_H
#define DXGK_WINDOWS_BASE_H

#if defined(_WIN64)
#define DXGK_PTR64 1
#elif defined(_WIN32)
#define DXGK_PTR64 0
#elif defined(__LP64__) || defined(_LP64) || defined(__aarch64__) || defined(__x86_64__)
#define DXGK_PTR64 1
#else
#define DXGK_PTR64 0
#endif

/* SAL annotations and calling conventions carry no layout: they expand to nothing. */
#define _In_
#define _Out_
#define _Inout_
#define _In_opt_
#define _Out_opt_
#define _Outptr_
#define _Inout_opt_
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _Out_writes_bytes_(n)
#define _Field_size_(n)
#define _Field_size_bytes_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_opt_(n)
#define _Check_return_
#define _IRQL_requires_(x)
#define _IRQL_requires_max_(x)
#define _Function_class_(x)
#define __drv_functionClass(x)
#define _Must_inspect_result_
#define APIENTRY
#define CALLBACK
#define NTAPI
#define WINAPI
#define CONST const
#define VOID void
#define IN
#define OUT
#define OPTIONAL

/* __declspec(align(n)): the layout engine and MSVC-compatible compilers honour it. */
#if defined(_MSC_VER) || defined(__clang__) || defined(DXGK_LAYOUT_ENGINE)
#define DECLSPEC_ALIGN(x) __declspec(align(x))
#else
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#endif

typedef void *PVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE;
typedef unsigned char UCHAR;
typedef unsigned char BYTE;
typedef unsigned char BOOLEAN;
typedef char CHAR;
typedef unsigned short USHORT;
typedef unsigned short WORD;
typedef unsigned short WCHAR;
typedef short SHORT;
typedef int INT;
typedef unsigned int UINT;
typedef int BOOL;
typedef int LONG;
typedef unsigned int ULONG;
typedef unsigned int DWORD;
typedef unsigned short UINT16;
typedef unsigned int UINT32;
typedef int INT32;
typedef unsigned long long UINT64;
typedef long long INT64;
typedef unsigned long long ULONGLONG;
typedef long long LONGLONG;
typedef unsigned long long ULONG64;
typedef ULONG *PULONG;
typedef UINT *PUINT;
typedef WCHAR *PWSTR;
typedef const WCHAR *PCWSTR;

#if DXGK_PTR64
typedef unsigned long long ULONG_PTR;
typedef long long LONG_PTR;
#else
typedef unsigned int ULONG_PTR;
typedef int LONG_PTR;
#endif
typedef ULONG_PTR SIZE_T;
typedef ULONG_PTR UINT_PTR;
typedef SIZE_T *PSIZE_T;

typedef LONG NTSTATUS;
/* The user-mode runtime callbacks (d3dumddi.h) return a COM status word. */
typedef LONG HRESULT;

typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    };
    struct {
        ULONG LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;

typedef struct _GUID {
    ULONG Data1;
    USHORT Data2;
    USHORT Data3;
    UCHAR Data4[8];
} GUID;

typedef struct _UNICODE_STRING {
    USHORT Length;
    USHORT MaximumLength;
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

typedef LARGE_INTEGER PHYSICAL_ADDRESS;

/* Kernel objects (wdm.h) that the DDI structures only point to: never laid out here. */
typedef struct _MDL MDL, *PMDL;
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT;

/* NTSTATUS values the DDI entry points return (docs/behaviour.md section 8), spelt as in
 * ntstatus.h; NT_SUCCESS is the usual "severity is success or informational" test. */
#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS               ((NTSTATUS)0x00000000L)
#endif
#ifndef STATUS_INVALID_HANDLE
#define STATUS_INVALID_HANDLE        ((NTSTATUS)0xC0000008L)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER     ((NTSTATUS)0xC000000DL)
#endif
#ifndef STATUS_NO_MEMORY
#define STATUS_NO_MEMORY             ((NTSTATUS)0xC0000017L)
#endif
#ifndef STATUS_CONFLICTING_ADDRESSES
#define STATUS_CONFLICTING_ADDRESSES ((NTSTATUS)0xC0000018L)
#endif
/* A success code: the work was accepted and completes later (paging work queued on a
 * paging queue). */
#ifndef STATUS_PENDING
#define STATUS_PENDING               ((NTSTATUS)0x00000103L)
#endif
/* The device was removed (what every call answers once a driver has faulted). */
#ifndef STATUS_DEVICE_REMOVED
#define STATUS_DEVICE_REMOVED        ((NTSTATUS)0xC00002B6L)
#endif
/* A driver's answer to DxgkDdiQueryAdapterInfo for a question it does not answer. */
#ifndef STATUS_NOT_SUPPORTED
#define STATUS_NOT_SUPPORTED         ((NTSTATUS)0xC00000BBL)
#endif
/* A driver's answer to DxgkDdiBuildPagingBuffer: the DMA buffer is full, ask again. */
#ifndef STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER
#define STATUS_GRAPHICS_INSUFFICIENT_DMA_BUFFER ((NTSTATUS)0xC01E0001L)
#endif
#ifndef NT_SUCCESS
#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)
#endif

/* HRESULT values the UMD callbacks return (docs/behaviour.md 9.9), spelt as in
 * winerror.h; SUCCEEDED / FAILED are the usual severity tests. */
#ifndef S_OK
#define S_OK           ((HRESULT)0x00000000L)
#endif
#ifndef E_PENDING
#define E_PENDING      ((HRESULT)0x8000000AL)
#endif
#ifndef E_HANDLE
#define E_HANDLE       ((HRESULT)0x80070006L)
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY  ((HRESULT)0x8007000EL)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG   ((HRESULT)0x80070057L)
#endif
#ifndef SUCCEEDED
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#endif
#ifndef FAILED
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#endif

#endif /* DXGK_WINDOWS_BASE_H */
