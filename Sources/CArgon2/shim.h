#ifndef LECTERN_CARGON2_SHIM_H
#define LECTERN_CARGON2_SHIM_H
#include <argon2.h>
#endif
