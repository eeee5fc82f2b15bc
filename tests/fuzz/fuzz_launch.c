/* fuzz_launch.c — libFuzzer target for iotrc-launch's parsers of engine
 * output: the bpftrace JSON to record converter (launch_bt.c), for each
 * stream, and the stderr classifier (launch_errs.c). Any bytes, split into
 * lines as the launcher's reader would. */
#include "launch.h"
#include "records.h"
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int devnull = -1;
	struct lstats st;
	struct btconv b;
	struct obuf o;
	const char *s = (const char *)data, *end = s + size;
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY);
	if (size == 0)
		return 0;
	memset(&st, 0, sizeof st);
	ob_init(&o, devnull, 4096);
	bt_init(&b, data[0] % REC_NSTREAMS, &o, &st);
	for (s++; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		uint64_t count;
		bt_line(&b, s, n);
		(void)errs_classify(s, n, &count);
		(void)errs_account(&st, s, n);
		s += n + 1;
	}
	ob_flush(&o);
	bt_free(&b);
	ob_free(&o);
	return 0;
}
