/* poppack.h -- dxgk stand-in: undoes the matching pshpackN.h (no include guard). */
#pragma pack(pop)
