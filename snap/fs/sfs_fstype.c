/* sfs_fstype.c — the file systems a walk does not enter unless asked
 * (iotrc-snap-fs(1)): pseudo file systems, whose "files" are the kernel's
 * state (walking /proc or /sys is endless noise, /dev holds devices), and
 * network file systems (slow, and not this machine's disk). Upstream's
 * walker crossed into all of them (upstream.md §3). Names as Linux's
 * mount table and macOS's f_fstypename spell them. And the mount table,
 * device -> type, read once a pass from the OS (sfs_mounts_list). */
#include "sfs.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const pseudo[] = {
	"proc", "sysfs", "devtmpfs", "devpts", "devfs", "debugfs", "tracefs", "securityfs",
	"cgroup", "cgroup2", "bpf", "pstore", "configfs", "fusectl", "mqueue", "binfmt_misc",
	"efivarfs", "nsfs", "selinuxfs", "rpc_pipefs", "autofs", "hugetlbfs", "fdesc",
	"fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal", "nfsd", "kernfs",
	NULL,
};
static const char *const network[] = {
	"nfs", "nfs4", "smbfs", "smb3", "smb2", "cifs", "afpfs", "webdav", "ftp", "ncpfs",
	"afs", "coda", "9p", "ceph", "glusterfs", "fuse.glusterfs", "lustre", "davfs",
	"fuse.sshfs", "sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse", "fuse.ceph",
	NULL,
};

static int in(const char *const *list, const char *t)
{
	for (; *list; list++)
		if (!strcmp(*list, t))
			return 1;
	return 0;
}

int fstype_class(const char *type)
{
	if (in(pseudo, type))
		return FS_PSEUDO;
	if (in(network, type))
		return FS_NETWORK;
	return FS_LOCAL;
}

const char *fstype_class_name(int c)
{
	return c == FS_PSEUDO ? "pseudo" : c == FS_NETWORK ? "network" : "local";
}

static struct sfs_mnt *mnts;
static size_t nmnts;

int sfs_mounts_load(void)
{
	long n;
	free(mnts);
	mnts = NULL, nmnts = 0;
	if ((n = sfs_mounts_list(&mnts)) < 0)
		return -1;
	nmnts = (size_t)n;
	return 0;
}

int sfs_fstype(uint64_t dev, int dirfd, const char *name, char *out, size_t cap)
{
	int fd, k;
	for (size_t i = 0; i < nmnts; i++)
		if (mnts[i].dev == dev) {
			snprintf(out, cap, "%s", mnts[i].type);
			return 0;
		}
	if ((fd = openat(dirfd, name, sfs_entry_flags)) < 0)
		return -1;
	k = sfs_fstype_os(fd, out, cap);
	close(fd);
	return k;
}
