#ifndef SHOAL_CSODIUM_SHIM_H
#define SHOAL_CSODIUM_SHIM_H
#include <sodium.h>
#endif
