/* schema.c — generated from shared/schema.tsv (io-tracer schema v1); the unit
 * test tests/unit/test_schema.c checks it column by column against the file. */
#include "schema.h"
#include <string.h>

static const struct schema_col c_fs[] = {
	{ "timestamp", "datetime", "" },
	{ "operation", "string", "" },
	{ "pid", "u32", "" },
	{ "tid", "u32", "" },
	{ "command", "string", "" },
	{ "filename", "string", "" },
	{ "size", "u64", "bytes" },
	{ "offset", "u64", "bytes" },
	{ "bytes_completed", "u64", "bytes" },
	{ "inode", "u64", "" },
	{ "device", "string", "" },
	{ "flags", "string", "" },
	{ "duration_ns", "u64", "nanoseconds" },
	{ "return_value", "s64", "" },
	{ "errno", "string", "" },
	{ "mmap_prot", "string", "" },
	{ "mmap_flags", "string", "" },
	{ "address", "string", "" },
	{ "cmdline", "string", "" },
	{ "ppid", "u32", "" },
	{ "container_id", "u64", "" },
	{ "fs_type", "string", "" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_block[] = {
	{ "timestamp", "datetime", "" },
	{ "operation", "string", "" },
	{ "pid", "u32", "" },
	{ "tid", "u32", "" },
	{ "command", "string", "" },
	{ "sector", "u64", "" },
	{ "size", "u64", "bytes" },
	{ "latency_ms", "float", "milliseconds" },
	{ "device", "string", "" },
	{ "flags", "string", "" },
	{ "cpu_id", "u32", "" },
	{ "ppid", "u32", "" },
	{ "queue_latency_ms", "float", "milliseconds" },
	{ "command_flags", "string", "" },
	{ "operation_code", "string", "" },
	{ "request_id", "u64", "" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_cache[] = {
	{ "timestamp", "datetime", "" },
	{ "pid", "u32", "" },
	{ "command", "string", "" },
	{ "event_type", "string", "" },
	{ "inode", "u64", "" },
	{ "page_index", "u64", "" },
	{ "size_pages", "u32", "pages" },
	{ "cpu_id", "u32", "" },
	{ "device_id", "u32", "" },
	{ "count", "u32", "pages" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_pagefault[] = {
	{ "timestamp", "datetime", "" },
	{ "pid", "u32", "" },
	{ "tid", "u32", "" },
	{ "command", "string", "" },
	{ "fault_type", "string", "" },
	{ "severity", "string", "" },
	{ "inode", "u64", "" },
	{ "offset_pages", "u64", "pages" },
	{ "address", "string", "" },
	{ "device_id", "u32", "" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_nw_conn[] = {
	{ "timestamp", "datetime", "" },
	{ "event_type", "string", "" },
	{ "pid", "u32", "" },
	{ "tid", "u32", "" },
	{ "command", "string", "" },
	{ "domain", "string", "" },
	{ "sock_type", "string", "" },
	{ "ipver", "string", "" },
	{ "local_addr", "string", "" },
	{ "remote_addr", "string", "" },
	{ "sport", "u16", "" },
	{ "dport", "u16", "" },
	{ "fd", "u32", "" },
	{ "backlog", "u32", "" },
	{ "shutdown_how", "string", "" },
	{ "latency_ns", "u64", "nanoseconds" },
	{ "return_value", "s32", "" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_nw_epoll[] = {
	{ "timestamp", "datetime", "" },
	{ "event_type", "string", "" },
	{ "pid", "u32", "" },
	{ "tid", "u32", "" },
	{ "command", "string", "" },
	{ "epoll_fd", "u32", "" },
	{ "target_fd", "u32", "" },
	{ "operation", "string", "" },
	{ "event_mask", "string", "" },
	{ "max_events", "u32", "" },
	{ "ready_count", "s32", "" },
	{ "timeout_ms", "u64", "milliseconds" },
	{ "latency_ns", "u64", "nanoseconds" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_nw_sockopt[] = {
	{ "timestamp", "datetime", "" },
	{ "event_type", "string", "" },
	{ "pid", "u32", "" },
	{ "command", "string", "" },
	{ "fd", "u32", "" },
	{ "level", "string", "" },
	{ "option_name", "string", "" },
	{ "optval", "s64", "" },
	{ "return_value", "s32", "" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_nw_drop[] = {
	{ "timestamp", "datetime", "" },
	{ "event_type", "string", "" },
	{ "pid", "u32", "" },
	{ "command", "string", "" },
	{ "proto", "string", "" },
	{ "ipver", "string", "" },
	{ "src_addr", "string", "" },
	{ "dst_addr", "string", "" },
	{ "sport", "u16", "" },
	{ "dport", "u16", "" },
	{ "skb_len", "u32", "bytes" },
	{ "drop_reason", "u32", "" },
	{ "tcp_state", "string", "" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_process[] = {
	{ "timestamp", "datetime", "" },
	{ "pid", "integer", "" },
	{ "name", "string", "" },
	{ "cmdline", "string", "" },
	{ "vms_kb", "float", "KB" },
	{ "rss_kb", "float", "KB" },
	{ "creation_time", "datetime", "" },
	{ "cpu_5s", "float", "percent" },
	{ "cpu_2m", "float", "percent" },
	{ "cpu_1h", "float", "percent" },
	{ "status", "string", "" },
	{ "mono_ns", "u64", "nanoseconds" },
};
static const struct schema_col c_filesystem_snapshot[] = {
	{ "snapshot_timestamp", "datetime", "" },
	{ "file_path", "string", "" },
	{ "size", "integer", "bytes" },
	{ "creation_time", "datetime", "" },
	{ "modification_time", "datetime", "" },
	{ "access_time", "datetime", "" },
	{ "physical_size", "integer", "bytes" },
	{ "inode", "u64", "" },
	{ "device", "string", "" },
	{ "nlinks", "u32", "" },
	{ "flags", "string", "" },
	{ "mono_ns", "u64", "nanoseconds" },
};

const struct schema_stream schema_streams[] = {
	{ "fs", 1, c_fs, sizeof c_fs / sizeof c_fs[0] },
	{ "block", 1, c_block, sizeof c_block / sizeof c_block[0] },
	{ "cache", 0, c_cache, sizeof c_cache / sizeof c_cache[0] },
	{ "pagefault", 0, c_pagefault, sizeof c_pagefault / sizeof c_pagefault[0] },
	{ "nw_conn", 1, c_nw_conn, sizeof c_nw_conn / sizeof c_nw_conn[0] },
	{ "nw_epoll", 0, c_nw_epoll, sizeof c_nw_epoll / sizeof c_nw_epoll[0] },
	{ "nw_sockopt", 0, c_nw_sockopt, sizeof c_nw_sockopt / sizeof c_nw_sockopt[0] },
	{ "nw_drop", 0, c_nw_drop, sizeof c_nw_drop / sizeof c_nw_drop[0] },
	{ "process", 1, c_process, sizeof c_process / sizeof c_process[0] },
	{ "filesystem_snapshot", 1, c_filesystem_snapshot, sizeof c_filesystem_snapshot / sizeof c_filesystem_snapshot[0] },
};
const size_t schema_nstreams = sizeof schema_streams / sizeof schema_streams[0];

const struct schema_stream *schema_find(const char *name)
{
	for (size_t i = 0; i < schema_nstreams; i++)
		if (strcmp(schema_streams[i].name, name) == 0)
			return &schema_streams[i];
	return NULL;
}

const char *schema_header(const struct schema_stream *s)
{
	static char buf[16][1024];
	size_t idx = (size_t)(s - schema_streams), n = 0;
	if (idx >= 16)
		return "";
	if (!buf[idx][0]) {
		for (size_t i = 0; i < s->ncols; i++) {
			size_t k = strlen(s->cols[i].name);
			if (n + k + 2 > sizeof buf[idx])
				break;
			if (i)
				buf[idx][n++] = ',';
			memcpy(buf[idx] + n, s->cols[i].name, k);
			n += k;
		}
		buf[idx][n] = 0;
	}
	return buf[idx];
}
