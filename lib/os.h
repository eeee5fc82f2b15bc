/* os.h — which operating system a record stream comes from. Small on
 * purpose: what only names the OS (records.c) needs not pull in the
 * decoding tables of decode.h. */
#ifndef IOTRC_OS_H
#define IOTRC_OS_H
#include <stddef.h>

enum os { OS_DARWIN = 0, OS_LINUX = 1 };
#define OS_HOST (OS_HOST_VALUE)
#ifdef __APPLE__
#define OS_HOST_VALUE OS_DARWIN
#else
#define OS_HOST_VALUE OS_LINUX
#endif
int os_from_name(const char *s, size_t n);  /* -1 unknown */
const char *os_name(int os);
#endif
