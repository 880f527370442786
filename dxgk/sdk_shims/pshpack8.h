/* pshpack8.h -- dxgk stand-in: the packing this header sets in the SDK (no include guard:
 * every inclusion pushes once, as the original does). */
#pragma pack(push, 8)
