/* hostid.h — the machine id of the io-tracer family (upstream.md §6,
 * DESIGN.md "Command line of iotrc"): the first 16 hex digits of SHA-256
 * over a raw host identifier, upper-cased in upload keys and part names.
 * The raw identifier comes from the OS (hostid_<os>.c): macOS the hardware
 * UUID from gethostuuid(2), upper case as ioreg's IOPlatformUUID prints it;
 * Linux /etc/machine-id. When the OS has none, the host name, then
 * "unknown-host" (hostid.c). iotrc-upload and the supervisor both use it. */
#ifndef IOTRC_HOSTID_H
#define IOTRC_HOSTID_H
#include <stddef.h>

#define MACHINE_ID_LEN 16

/* hostid_<os>.c: the OS's raw identifier text into out (stripped of
 * blanks and quotes); 0, or -1 when there is none. */
int hostid_raw(char *out, size_t cap);

/* The raw text actually used: hostid_raw, else the host name, else
 * "unknown-host". */
void machine_id_raw(char *out, size_t cap);
/* id of raw text: 16 hex digits, upper (1) or lower (0) case, + NUL. */
void machine_id_of(const char *raw, int upper, char out[MACHINE_ID_LEN + 1]);
/* This machine's id (machine_id_of(machine_id_raw())). */
void machine_id(int upper, char out[MACHINE_ID_LEN + 1]);
/* Is s usable as a machine id in object keys: 1 to 64 of [A-Za-z0-9_-]? */
int machine_id_valid(const char *s);
#endif
