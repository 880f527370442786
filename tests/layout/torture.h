/*
 * torture.h -- records chosen to exercise every MSVC record-layout rule dxgk's layout
 * engine implements, checked field by field against libclang's MSVC layout
 * (tests/layout/test_vs_clang.py).  Nothing here mirrors a real SDK structure.
 *
 * Only what the engine supports is used: windows_base.h types, pointers, enums, arrays,
 * nested and anonymous records, bitfields, DECLSPEC_ALIGN(n) on a struct tag or a member,
 * and #pragma pack(push, n) / pack(pop) / pack(n) / pack().  It must also pass
 * `gcc -fsyntax-only` (no clang-only syntax).
 *
 * The byte offsets in the comments are MSVC's; "x86/x64" marks where the ABIs differ.
 */
#ifndef DXGK_TORTURE_H
#define DXGK_TORTURE_H

#include "windows_base.h"

/* ---- bitfields: storage units of the declared type ------------------------------- */

typedef struct _T_BITS_MIXED {
    UINT   a : 3;          /* unit 0: UINT at byte 0 */
    UINT   b : 29;         /* fills the unit exactly (3 + 29 = 32) */
    UINT   c : 5;          /* unit full: new UINT unit at byte 4 */
    UINT64 d : 7;          /* type size changes: new UINT64 unit, 8-aligned, byte 8 */
    UINT64 e : 60;         /* 7 + 60 > 64: new UINT64 unit at byte 16 */
    UCHAR  f : 2;          /* size changes: new UCHAR unit at byte 24 */
    UCHAR  g : 7;          /* 2 + 7 > 8: new UCHAR unit at byte 25 */
    INT    h : 4;          /* size changes: new 4-byte unit at byte 28 */
    UINT   i : 4;          /* same size, other signedness: shares h's unit (bit 4) */
    LONG   j : 24;         /* still 4 bytes: shares the unit (bits 8..31) */
} T_BITS_MIXED;            /* size 32, align 8 */

typedef struct _T_BITS_AFTER_PLAIN {
    UCHAR  tag;            /* byte 0 */
    UINT   x : 3;          /* never shares a non-bitfield's storage: UINT unit at 4 */
    UINT   y : 5;
    UCHAR  next;           /* a non-bitfield after bitfields: byte 8 */
    USHORT s : 3;          /* USHORT unit at 10 */
    UCHAR  u : 2;          /* size change: UCHAR unit at 12 */
    USHORT t : 3;          /* size change back: USHORT unit at 14 */
} T_BITS_AFTER_PLAIN;      /* size 16, align 4 */

typedef struct _T_BITS_FULL64 {
    UINT64 all : 64;       /* a full 64-bit unit */
    UINT64 one : 1;        /* next unit at byte 8 */
    UINT   lo : 31;        /* UINT unit at 16 */
    UINT   hi : 2;         /* 31 + 2 > 32: new unit at 20 */
} T_BITS_FULL64;           /* size 24, align 8 */

typedef struct _T_BITS_ZERO {
    UINT   :0;             /* at the start: ignored by MSVC (no unit, no alignment) */
    UCHAR  first;          /* byte 0 */
    UINT   a : 3;          /* UINT unit at 4 */
    UINT   :0;             /* after a bitfield: closes the unit */
    UINT   b : 3;          /* new UINT unit at 8 */
    UCHAR  c : 2;          /* UCHAR unit at 12 */
    UINT64 :0;             /* after a bitfield: rounds up to the UINT64 alignment (16) */
    UCHAR  d : 1;          /* UCHAR unit at 16 */
    UCHAR  :0;
    UCHAR  :0;             /* a second :0 in a row is ignored */
    UCHAR  e : 1;          /* UCHAR unit at 17 */
    UINT   :5;             /* unnamed padding bitfield: occupies bits, is not listed */
    UINT   f : 4;          /* shares the padding's UINT unit at 20 (bit 5) */
} T_BITS_ZERO;             /* size 24, align 8 (from the UINT64 :0) */

typedef union _T_BITS_UNION {
    struct {
        UINT64 Low  : 40;
        UINT64 High : 24;
    };
    struct {
        UCHAR  Byte0 : 8;
        UCHAR  Byte1 : 4;
    };
    UINT   Words[2];
    UINT64 Value;
} T_BITS_UNION;            /* size 8, align 8 */

typedef union _T_UNION_DIRECT_BITS {
    UINT64 wide : 3;       /* bitfields directly in a union: all at bit 0; MSVC takes */
    UCHAR  narrow : 2;     /* their storage size but not their alignment */
    UCHAR  plain;
} T_UNION_DIRECT_BITS;     /* size 8, align 1 */

typedef union _T_UNION_ZERO {
    UINT   a : 3;
    UINT64 :0;             /* in a union: widens it to 8 bytes, but does not align it */
    UCHAR  b;
} T_UNION_ZERO;            /* size 8, align 1 */

typedef struct _T_ZERO_FIRST {
    UINT64 :0;             /* leading :0 of a wide type: no effect on alignment either */
    UCHAR  a;
    UINT64 b : 1;          /* UINT64 unit at 8 */
} T_ZERO_FIRST;            /* size 16, align 8 */

typedef struct _T_ENUM_BITS {
    UCHAR   a;
    enum _T_SHADE { T_SHADE_DARK, T_SHADE_LIGHT } Shade : 2;  /* enum: a 4-byte unit at 4 */
    UINT    b : 3;         /* same size as the enum: shares its unit */
    BOOLEAN c : 1;         /* UCHAR unit at 8 */
} T_ENUM_BITS;             /* size 12, align 4 */

/* ---- 64-bit members, pointers, enums: what moves between x86 and x64 ------------- */

typedef enum _T_COLOR {
    T_COLOR_RED = 0,
    T_COLOR_GREEN = 5,
    T_COLOR_BLUE = 0x7fffffff
} T_COLOR;

typedef void (APIENTRY *T_CALLBACK)(HANDLE hObject, UINT Flags);

typedef struct _T_HANDLE_U64 {
    UINT    Kind;          /* byte 0 */
    HANDLE  hObject;       /* x86: 4 (4 bytes)  x64: 8 (8 bytes) */
    UINT64  Value;         /* x86: 8 (8-aligned in MSVC, 4 on SysV i386)  x64: 16 */
    HANDLE  hOther;        /* x86: 16  x64: 24 */
} T_HANDLE_U64;            /* x86: size 24  x64: size 32; align 8 */

typedef struct _T_POINTERS {
    UCHAR        Tag;
    PVOID        pData;
    UCHAR       *pBytes;
    struct _T_POINTERS *pNext;
    T_CALLBACK   pfnCallback;
    SIZE_T       Size;
    ULONG_PTR    Cookie;
    T_COLOR      Color;    /* enums are 4 bytes */
    UCHAR        Tail;
} T_POINTERS;                  /* x86: size 36, align 4  x64: size 64, align 8 */

typedef struct _T_X86_U64 {
    UCHAR     a;           /* byte 0 */
    ULONGLONG b;           /* byte 8 on every ABI (MSVC) */
    USHORT    c;           /* byte 16 */
    LONGLONG  d;           /* byte 24 */
    UCHAR     e;           /* byte 32 */
} T_X86_U64;               /* size 40, align 8 */

/* Plain C spellings, qualifiers, an inline function pointer, constant-expression sizes. */
#define T_NAME_LEN 6
typedef struct _T_MISC {
    signed char     sc;
    short int       si;        /* byte 2 */
    long            l;         /* 4 bytes on every Windows ABI (LLP64): byte 4 */
    unsigned long   ul;        /* byte 8 */
    const UINT      cu;        /* byte 12 */
    volatile UINT64 vq;        /* byte 16 */
    NTSTATUS (APIENTRY *pfnInline)(HANDLE hAdapter, const struct _T_POINTERS *pPointers);
    UCHAR   ByEnum[T_COLOR_GREEN + 1];        /* 6 bytes */
    UCHAR   BySizeof[sizeof(T_HANDLE_U64) / 2];   /* x86: 12  x64: 16 */
    USHORT  ByMacro[T_NAME_LEN];              /* 12 bytes */
    UINT    ByShift[1 << 2];                  /* 16 bytes */
    UINT    Tail : T_NAME_LEN - 1;            /* a width from a macro expression */
} T_MISC;

/* ---- nesting: anonymous unions in named structs, named structs in anonymous unions */

typedef struct _T_POINT {
    INT x;
    INT y;
} T_POINT;

typedef struct _T_NEST {
    UINT Kind;
    struct {
        union {
            UINT64 Value;
            struct {
                UINT64 Lo : 20;
                UINT64 Mid : 20;
                UINT64 Hi : 24;
            };
        };
        UCHAR Tag;
        union {
            UINT Flags;
            struct {
                UINT Read : 1;
                UINT Write : 1;
            } Bits;        /* a named member of unnamed struct type inside an anonymous union */
        };
    } Inner;               /* named struct holding anonymous unions */
    union {
        struct {
            T_POINT From;
            T_POINT To;
        } Segment;         /* named struct inside an anonymous union */
        struct {
            UINT64 Packed;
            HANDLE hOwner;
        };
        T_POINT Corners[2];
    };
    struct {
        struct {
            union {
                UCHAR Bytes[3];
                struct {
                    USHORT Short;
                    UCHAR  Last : 5;
                } Split;
            };
        } Deep;
    } Outer;               /* names like Outer.Deep.Split.Last */
} T_NEST;

typedef T_NEST T_NEST_ALIAS;   /* an alias typedef is its own key */

typedef struct _T_ARRAYS {
    T_POINT     Points[3];     /* an array of structs: one entry */
    T_BITS_MIXED Mixed[2];     /* an array of bitfield structs: one entry */
    struct {
        UCHAR a;
        UINT  b;
    } Items[2];                /* an array of an unnamed struct type: one entry */
    UCHAR       Name[5];
    T_HANDLE_U64 Handles[2];
    UINT        Grid[2][3];
} T_ARRAYS;

/* A record keyed by its tag: no typedef names it. */
struct T_TAG_ONLY {
    UCHAR  a;
    USHORT b;
    UINT64 c;
};

/* A tag defined first and given a typedef later: keyed by the typedef only. */
union _T_LATE {
    UINT   AsUint;
    UCHAR  AsBytes[4];
};
typedef union _T_LATE T_LATE, *PT_LATE;

/* Typedef names given before the definition, and several names in one declaration. */
typedef struct _T_FWD T_FWD, *PT_FWD;
struct _T_FWD {
    T_FWD *pSelf;
    UINT   Count;
};

typedef struct _T_TWO {
    USHORT a;
    UCHAR  b;
} T_TWO, T_TWO_ALSO, *PT_TWO;

typedef struct {
    UINT64 q;
    UCHAR  c;
} T_ANON_TD;               /* a typedef of an unnamed struct */
typedef T_ANON_TD T_ANON_TD2;

/* ---- #pragma pack ---------------------------------------------------------------- */

typedef struct _T_NATURAL {    /* the unpacked twin of T_PACK1/T_PACK2/T_PACK4 */
    UCHAR  a;
    UINT64 b;
    USHORT c;
    UINT   d;
} T_NATURAL;                   /* a 0, b 8, c 16, d 20: size 24 */

#pragma pack(push, 1)
typedef struct _T_PACK1 {
    UCHAR  a;
    UINT64 b;                  /* byte 1 */
    USHORT c;                  /* byte 9 */
    UINT   d;                  /* byte 11 */
} T_PACK1;                     /* size 15, align 1 */

typedef struct _T_PACK1_BITS {
    UCHAR  a;
    UINT   b : 4;              /* UINT unit at byte 1 */
    UINT   c : 30;             /* 4 + 30 > 32: new unit at 5 */
    UINT64 d : 1;              /* UINT64 unit at 9 */
    UCHAR  e;                  /* byte 17 */
} T_PACK1_BITS;                /* size 18 */

#pragma pack(push, 4)          /* nested push */
typedef struct _T_PACK4_IN_1 {
    UCHAR  a;
    UINT64 b;                  /* byte 4 */
} T_PACK4_IN_1;                /* size 12, align 4 */
#pragma pack(pop)              /* back to 1 */

typedef struct _T_PACK1_AGAIN {
    UCHAR  a;
    UINT   b;                  /* byte 1: pack(1) again after the pop */
    T_PACK4_IN_1 c;            /* byte 5: its own pack(4) alignment is capped at 1 */
} T_PACK1_AGAIN;               /* size 17 */
#pragma pack(pop)

#pragma pack(2)
typedef struct _T_PACK2 {
    UCHAR  a;
    UINT64 b;                  /* byte 2 */
    USHORT c;                  /* byte 10 */
    UINT   d;                  /* byte 12 */
} T_PACK2;                     /* size 16, align 2 */

typedef struct _T_PACK2_NEST {
    UCHAR     a;
    T_NATURAL n;               /* a naturally laid out struct, placed at 2 under pack(2) */
    UCHAR     z;               /* byte 26 */
} T_PACK2_NEST;                /* size 28, align 2 */
#pragma pack()                 /* back to the default */

#pragma pack(push, 4)
typedef struct _T_PACK4 {
    UCHAR  a;
    UINT64 b;                  /* byte 4 (natural: 8) */
    USHORT c;                  /* byte 12 */
    UINT   d;                  /* byte 16 */
} T_PACK4;                     /* size 20, align 4 */
#pragma pack(pop)

typedef struct _T_AFTER_PACKS {    /* no pack in force any more */
    UCHAR  a;
    UINT64 b;                  /* byte 8 */
} T_AFTER_PACKS;

/* ---- __declspec(align(n)) -------------------------------------------------------- */

typedef struct DECLSPEC_ALIGN(16) _T_ALIGN16 {
    UINT a;
    UCHAR b;
} T_ALIGN16;                   /* size 16, align 16 */

typedef struct DECLSPEC_ALIGN(64) _T_ALIGN64 {
    UINT64 a;
} T_ALIGN64;                   /* size 64, align 64 */

typedef struct _T_MEMBER_ALIGN {
    UCHAR a;
    DECLSPEC_ALIGN(64) UINT64 x;   /* byte 64 */
    UCHAR b;                       /* byte 72 */
    DECLSPEC_ALIGN(16) UINT y;     /* byte 80 */
} T_MEMBER_ALIGN;                  /* size 128, align 64 */

typedef struct _T_HOLDS_ALIGNED {
    UCHAR     a;
    T_ALIGN16 b;               /* byte 16 */
    T_ALIGN16 arr[2];          /* byte 32, 32 bytes */
    UCHAR     c;               /* byte 64 */
} T_HOLDS_ALIGNED;             /* size 80, align 16 */

#pragma pack(push, 1)
typedef struct _T_PACKED_HOLDS_ALIGNED {
    UCHAR     a;
    T_ALIGN16 b;               /* MSVC: a declspec alignment is not capped by pack: 16 */
    UCHAR     c;               /* byte 32 */
    DECLSPEC_ALIGN(8) UINT d;  /* nor is a member's: byte 40 */
    USHORT    e;               /* packed again: byte 44 */
} T_PACKED_HOLDS_ALIGNED;      /* size 48, align 16 */

typedef struct _T_PACK1_SMALL_ALIGN {
    UCHAR a;
    DECLSPEC_ALIGN(2) UINT64 x;   /* min(natural 8, pack 1) = 1, then declspec: 2 */
    UCHAR b;                      /* byte 10 */
    T_ALIGN16 arr[2];             /* an array of aligned structs: byte 16 */
    UCHAR c;                      /* byte 48 */
    T_POINTERS p;                 /* packed again: byte 49 */
} T_PACK1_SMALL_ALIGN;            /* x86: size 96  x64: size 128; align 16 */

typedef struct DECLSPEC_ALIGN(8) _T_PACKED_ALIGNED_TAG {
    UCHAR a;
    UINT  b;                   /* byte 1 */
} T_PACKED_ALIGNED_TAG;        /* size 8, align 8 */
#pragma pack(pop)

typedef union DECLSPEC_ALIGN(32) _T_ALIGNED_UNION {
    UCHAR  b;
    UINT64 q;
    struct {
        UINT lo : 16;
        UINT hi : 16;
    };
} T_ALIGNED_UNION;             /* size 32, align 32 */

#pragma pack(push, 16)           /* larger than any natural alignment: no effect */
typedef struct _T_PACK16 {
    UCHAR  a;
    UINT64 b;                  /* byte 8 */
    union {
        UCHAR Bytes[5];
        UINT  Word;
    } u;                       /* byte 16, size 8 */
} T_PACK16;                    /* size 24, align 8 */
#pragma pack(pop)

#endif /* DXGK_TORTURE_H */
