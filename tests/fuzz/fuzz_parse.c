/* fuzz_parse.c — libFuzzer target for iotrc-parse's record parser: any
 * bytes, split into lines as the reader would, for each of the three
 * streams, with tiny map caps so eviction paths run too. */
#include "parse.h"
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int devnull = -1;
	struct parser_opts o;
	struct parser p;
	const char *s = (const char *)data, *end = s + size;
	if (devnull < 0)
		devnull = open("/dev/null", O_WRONLY);
	if (size == 0)
		return 0;
	memset(&o, 0, sizeof o);
	o.stream = data[0] % 3;
	o.os = -1;
	o.fd_cap = 16;
	o.cmd_cap = 16;
	o.anon = data[0] & 4;
	o.outfd = devnull;
	parser_init(&p, &o);
	s++;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		parser_line(&p, s, n);
		s += n + 1;
	}
	ob_flush(&p.out);
	parser_free(&p);
	return 0;
}
