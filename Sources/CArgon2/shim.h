#ifndef LECTERN_CARGON2_SHIM_H
#define LECTERN_CARGON2_SHIM_H
#include <argon2.h>
#if defined(__GLIBC__)
/* mallopt, to keep argon2's large per-hash buffers out of the heap (see PasswordHash.keepHashMemoryReturnable). */
#include <malloc.h>
#endif
#endif
