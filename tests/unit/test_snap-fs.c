/* test_snap-fs.c — iotrc-snap-fs's platform-neutral parts: the flags
 * cell for both OSes (upstream's table, in lib/decode.c; unknown bits as
 * hex), which file systems are not walked, the visited set (duplicates,
 * growth, its cap, a new pass), and whole rows cell by cell in a zone
 * with a half-hour offset. */
#include "check.h"
#include "anon.h"
#include "decode.h"
#include "sfs.h"
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static void test_flags(void)
{
	char b[512];
	CHECK(dec_stflags(OS_DARWIN, 0, b) == 0 && b[0] == 0);
	dec_stflags(OS_DARWIN, 0x20, b);
	CHECK_STR(b, "UF_COMPRESSED");
	dec_stflags(OS_DARWIN, 0x00080000 | 0x8000 | 0x1, b);
	CHECK_STR(b, "UF_NODUMP|UF_HIDDEN|SF_RESTRICTED");
	dec_stflags(OS_DARWIN, 0x40000000 | 0x10 | 0x400000, b);   /* two unknown bits */
	CHECK_STR(b, "SF_DATALESS|0x00400010");
	dec_stflags(OS_DARWIN, 0x100, b);
	CHECK_STR(b, "0x00000100");
	dec_stflags(OS_LINUX, 0x40 | 0x10, b);
	CHECK_STR(b, "STATX_ATTR_IMMUTABLE|STATX_ATTR_NODUMP");
	dec_stflags(OS_LINUX, 0x2000 | 0x1, b);
	CHECK_STR(b, "STATX_ATTR_MOUNT_ROOT|0x00000001");
}

static void test_fstypes(void)
{
	static const char *const pseudo[] = { "proc", "sysfs", "devfs", "devtmpfs", "autofs", "cgroup2", NULL };
	static const char *const network[] = { "nfs", "nfs4", "smbfs", "cifs", "afpfs", "webdav", "fuse.sshfs", NULL };
	static const char *const local[] = { "ext4", "apfs", "hfs", "xfs", "btrfs", "tmpfs", "msdos", "exfat", "zfs", "overlay", NULL };
	for (int i = 0; pseudo[i]; i++)
		CHECK(fstype_class(pseudo[i]) == FS_PSEUDO);
	for (int i = 0; network[i]; i++)
		CHECK(fstype_class(network[i]) == FS_NETWORK);
	for (int i = 0; local[i]; i++)
		CHECK(fstype_class(local[i]) == FS_LOCAL);
	CHECK_STR(fstype_class_name(FS_NETWORK), "network");
}

static void test_visit(void)
{
	struct visit v;
	visit_init(&v, 5000);
	CHECK(visit_add(&v, 1, 2) == 0);
	CHECK(visit_add(&v, 1, 2) == 1);
	CHECK(visit_add(&v, 2, 2) == 0);       /* same inode, another device */
	CHECK(visit_add(&v, 0, 0) == 0);       /* device 0 is a device */
	CHECK(visit_add(&v, 0, 0) == 1);
	for (uint64_t i = 0; i < 4997; i++)
		CHECK(visit_add(&v, 7, 1000 + i) == 0);
	CHECK(v.count == 5000);
	CHECK(visit_add(&v, 7, 1000) == 1);    /* found after growing */
	CHECK(visit_add(&v, 8, 1) == -1 && v.full == 1);   /* at the cap */
	visit_clear(&v);
	CHECK(v.count == 0 && visit_add(&v, 1, 2) == 0);
	visit_free(&v);
}

static void test_row(void)
{
	char path[] = "/tmp/iotrc-fsrow.XXXXXX", buf[2048], want[2048], tok[3][16];
	struct row_ctx c = { 0 };
	struct sfs_stat st = { 0 };
	struct obuf o;
	int fd = mkstemp(path);
	ssize_t n;
	setenv("TZ", "Asia/Kolkata", 1);       /* +05:30 */
	ob_init(&o, fd, 4096);
	walltz_init(&c.tz);
	c.out = &o;
	row_pass(&c, "2024-05-01 15:30:00.123", 42);
	st.kind = SFS_REG;
	st.size = 5, st.phys = 4096, st.ino = 77, st.nlink = 2, st.dev_major = 1, st.dev_minor = 5;
	st.has_btime = 1;
	st.btime_s = 1714557600, st.btime_ns = 0;              /* 2024-05-01 10:00:00 UTC */
	st.mtime_s = 1714557600, st.mtime_ns = 123456789;      /* rounds to .123457 */
	st.atime_s = 1714557601, st.atime_ns = 500;            /* rounds to .000000 -> no fraction */
	st.flags = 0x20;
	row_header(&o);
	row_write(&c, "/a,b/c\"d", 8, -1, &st);
	st.has_btime = 0;                                      /* creation_time = mtime */
	st.flags = 0x40, st.flags_statx = 1;
	c.anon = 1;
	anon_set_key("0123456789abcdef", 16);
	row_write(&c, "/Users/ann/notes.txt", 20, 0, &st);
	/* the walker says a path needs quotes (1: a parent's name did); the
	 * device and time cells of the last row are not reused when they differ,
	 * and are when the same */
	c.anon = 0;
	st.dev_major = 259, st.dev_minor = 1, st.flags = 0;
	st.atime_s = st.mtime_s, st.atime_ns = st.mtime_ns;
	row_write(&c, "/x y", 4, 1, &st);
	st.mtime_s = 0, st.mtime_ns = 0, st.atime_s = 0, st.atime_ns = 0;
	st.dev_major = 0, st.dev_minor = 0;
	row_pass(&c, "2024-05-01 15:30:05.000", 18446744073709551LL);
	row_write(&c, "/z", 2, 0, &st);
	ob_flush(&o);
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n < 0 ? 0 : n] = 0;
	anon_token("Users", 5, tok[0]);
	anon_token("ann", 3, tok[1]);
	anon_token("notes", 5, tok[2]);
	snprintf(want, sizeof want,
	         "snapshot_timestamp,file_path,size,creation_time,modification_time,access_time,physical_size,inode,device,nlinks,flags,mono_ns\n"
	         "2024-05-01 15:30:00.123,\"/a,b/c\"\"d\",5,2024-05-01 15:30:00,2024-05-01 15:30:00.123457,2024-05-01 15:30:01,4096,77,1:5,2,UF_COMPRESSED,42\n"
	         "2024-05-01 15:30:00.123,/%s/%s/%s.txt,5,2024-05-01 15:30:00.123457,2024-05-01 15:30:00.123457,2024-05-01 15:30:01,4096,77,1:5,2,STATX_ATTR_NODUMP,42\n"
	         "2024-05-01 15:30:00.123,\"/x y\",5,2024-05-01 15:30:00.123457,2024-05-01 15:30:00.123457,2024-05-01 15:30:00.123457,4096,77,259:1,2,,42\n"
	         "2024-05-01 15:30:05.000,/z,5,1970-01-01 05:30:00,1970-01-01 05:30:00,1970-01-01 05:30:00,4096,77,0:0,2,,18446744073709551\n",
	         tok[0], tok[1], tok[2]);
	CHECK_STR(buf, want);
	ob_free(&o);
	free(c.abuf);
	close(fd);
	unlink(path);
}

int main(void)
{
	test_flags();
	test_fstypes();
	test_visit();
	test_row();
	return CHECK_DONE();
}
