/* write_sync_linux.c — durability on Linux: fdatasync(2) for the periodic
 * flushes (the file's size is metadata it does write), fsync(2) at the end. */
#include "write.h"
#include <unistd.h>

int wsync_data(int fd)
{
	return fdatasync(fd);
}

int wsync_full(int fd)
{
	return fsync(fd);
}
