/* os.c — see os.h */
#include "os.h"
#include <string.h>

int os_from_name(const char *s, size_t n)
{
	if (n == 6 && memcmp(s, "darwin", 6) == 0)
		return OS_DARWIN;
	if (n == 5 && memcmp(s, "linux", 5) == 0)
		return OS_LINUX;
	return -1;
}

const char *os_name(int os)
{
	return os == OS_LINUX ? "linux" : "darwin";
}
