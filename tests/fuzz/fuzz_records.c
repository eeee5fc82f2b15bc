/* fuzz_records.c — libFuzzer target for the record number parsers
 * (lib/records.c rec_split_parse, rec_s64, rec_u64; lib/util.c
 * parse_s64_n, parse_u64_n), compared with a reference: strtoll/strtoull
 * with ERANGE on the same text, after a strict syntax check (optional
 * sign, then 1+ digits). A value out of range must be refused, never
 * wrapped (issue 14 #10). Input: bytes split on 0x01 into fields. */
#include "records.h"
#include "util.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 value (in *v), 0 empty, -1 junk or out of range */
static int ref_s64(const char *s, size_t n, int64_t *v)
{
	char buf[64], *end;
	size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
	long long x;
	if (n == 0)
		return 0;
	if (i == n || n >= sizeof buf)
		return -1;
	for (size_t k = i; k < n; k++)
		if (s[k] < '0' || s[k] > '9')
			return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	x = strtoll(buf, &end, 10);
	if (errno == ERANGE || *end)
		return -1;
	*v = (int64_t)x;
	return 1;
}

static int ref_u64_digits(const char *s, size_t n, uint64_t *v)
{
	char buf[64], *end;
	unsigned long long x;
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (strspn(buf, "0123456789") < n)
		return -1;
	errno = 0;
	x = strtoull(buf, &end, 10);
	if (errno == ERANGE || *end)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec r;
	const char *s = (const char *)data;
	int nf = rec_split_parse(s, size, &r, 0);
	if (nf > REC_MAXF)
		return 0;
	for (int i = 0; i < nf; i++) {
		int64_t got = 0, want = 0, slow = 0;
		uint64_t ug = 0, uw = 0;
		int k = rec_s64(&r, i, &got), kr = ref_s64(r.f[i], r.n[i], &want);
		if (r.n[i] < 60) {
			if (k != kr || (k == 1 && got != want))
				abort();
			if (k == 1 && (parse_s64_n(r.f[i], r.n[i], &slow) != 0 || slow != got))
				abort();
			if ((parse_u64_n(r.f[i], r.n[i], &ug) == 0) != (ref_u64_digits(r.f[i], r.n[i], &uw) == 0) ||
			    ug != uw)
				abort();
		} else if (k == 1 && parse_s64_n(r.f[i], r.n[i], &slow) != 0)
			abort();
	}
	return 0;
}
