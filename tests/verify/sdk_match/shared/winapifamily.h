/*
 * A decoy: a real Windows Kits tree has shared/winapifamily.h. dxgk must use its own
 * stand-in instead (dxgk/sdk_shims/winapifamily.h), never this file.
 */
#error "dxgk parsed the SDK's own winapifamily.h instead of its stand-in"
