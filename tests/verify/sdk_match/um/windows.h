/*
 * A decoy: the real um/windows.h pulls in the whole Win32 API. dxgk must use its own
 * stand-in instead (dxgk/sdk_shims/windows.h), never this file.
 */
#error "dxgk parsed the SDK's own windows.h instead of its stand-in"
typedef struct { int broken } THIS_WOULD_NOT_PARSE;
