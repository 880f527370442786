/* excpt.h -- dxgk stand-in: the display headers need only what dxgk_sdk_base.h declares. */
#include "dxgk_sdk_base.h"
