/* Functions SmartShare code must not call (as git's banned.h): each has a replacement that
 * cannot overflow a buffer, silently accept garbage, or share hidden static state.
 *   strcpy, strcat, strncpy, strncat  -> snprintf or memcpy with a checked length
 *   sprintf, vsprintf                 -> snprintf, vsnprintf
 *   gets                              -> fgets
 *   atoi, atol, atoll, atof           -> strtoul/strtoull/strtod with end and errno checks
 *   strtok                            -> strtok_r or strcspn/strspn
 *   gmtime, localtime, ctime, asctime -> gmtime_r, localtime_r, strftime
 *   tmpnam, tempnam, mktemp           -> mkstemp, mkdtemp
 * The build includes it in front of every C file (`-include` in AM_CPPFLAGS: lib/, the
 * programs, the tests and the benchmarks alike), after config.h (so that _GNU_SOURCE from
 * AC_USE_SYSTEM_EXTENSIONS comes before any system header) and after the system headers that
 * declare these functions. A call then fails to compile, naming the function.
 * tests/integration/02-layers.sh shows that it does. */
#ifndef SSP_BANNED_H
#define SSP_BANNED_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SSP_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) SSP_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SSP_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SSP_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) SSP_BANNED(strncat)
#undef sprintf
#define sprintf(...) SSP_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SSP_BANNED(vsprintf)
#undef gets
#define gets(x) SSP_BANNED(gets)
#undef atoi
#define atoi(x) SSP_BANNED(atoi)
#undef atol
#define atol(x) SSP_BANNED(atol)
#undef atoll
#define atoll(x) SSP_BANNED(atoll)
#undef atof
#define atof(x) SSP_BANNED(atof)
#undef strtok
#define strtok(x, y) SSP_BANNED(strtok)
#undef gmtime
#define gmtime(t) SSP_BANNED(gmtime)
#undef localtime
#define localtime(t) SSP_BANNED(localtime)
#undef ctime
#define ctime(t) SSP_BANNED(ctime)
#undef asctime
#define asctime(t) SSP_BANNED(asctime)
#undef tmpnam
#define tmpnam(x) SSP_BANNED(tmpnam)
#undef tempnam
#define tempnam(x, y) SSP_BANNED(tempnam)
#undef mktemp
#define mktemp(x) SSP_BANNED(mktemp)

#endif
