/* test_upload.c — iotrc-upload's pure parts: object keys and their safety
 * (upload/upload_key.c), what servers and files send (upload_parse.c),
 * the queue and its backoff (upload_queue.c), and lib/hostid's machine id. */
#include "check.h"
#include "hostid.h"
#include "upload.h"
#include <stdint.h>
#include <stdlib.h>

static void test_keys(void)
{
	static const struct { const char *root, *path, *rel; } ok[] = {
		{ "/r", "/r/20240101_000000_000/fs/fs_1.csv.zst", "20240101_000000_000/fs/fs_1.csv.zst" },
		{ "/r", "/r/S/manifest.json", "S/manifest.json" },
		{ "/r/", "/r/S/fs/a b.csv", "S/fs/a b.csv" },
		{ "/", "/S/fs/f", "S/fs/f" },
		{ "/r", "/r/S/fs/..x", "S/fs/..x" },
	};
	static const struct { const char *root, *path; } bad[] = {
		{ "/r", "r/S/fs/f" },                /* relative */
		{ "/r", "/rx/S/fs/f" },              /* beside the root, not under it */
		{ "/r", "/other/S/fs/f" },
		{ "/r", "/r/S/../../etc/passwd" },
		{ "/r", "/r/S/fs/../f" },
		{ "/r", "/r/S/./f" },
		{ "/r", "/r/S//f" },
		{ "/r", "/r/S/fs/" },
		{ "/r", "/r/f" },                    /* too shallow */
		{ "/r", "/r/S/a/b/f" },              /* too deep */
		{ "/r", "/r/S/fs/a\001b" },          /* control characters */
		{ "/r", "/r/S/fs/a\nb" },
		{ "/r", "/r/S/fs/a\177" },
		{ "/r", "/r" },
	};
	char rel[UKEY_MAX], key[UKEY_MAX];
	const char *why;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char want[UKEY_MAX];
		CHECK(key_from_path(ok[i].root, ok[i].path, "b", "ID", rel, sizeof rel, key, sizeof key, &why) == 0);
		CHECK_STR(rel, ok[i].rel);
		snprintf(want, sizeof want, "b/ID/%s", ok[i].rel);
		CHECK_STR(key, want);
		CHECK(key_safe(key));
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int r = key_from_path(bad[i].root, bad[i].path, "b", "ID", rel, sizeof rel, key, sizeof key, &why);
		if (r == 0)
			fprintf(stderr, "accepted: %s\n", bad[i].path);
		CHECK(r < 0);
	}
	/* an unsafe bucket or id is refused too, and tiny buffers */
	CHECK(key_from_path("/r", "/r/S/f", "..", "ID", rel, sizeof rel, key, sizeof key, &why) < 0);
	CHECK(key_from_path("/r", "/r/S/f", "b", "I/D/..", rel, sizeof rel, key, sizeof key, &why) < 0);
	CHECK(key_from_path("/r", "/r/S/f", "b", "ID", rel, sizeof rel, key, 8, &why) < 0);
	CHECK(key_safe("a/b/c") && !key_safe("/a") && !key_safe("a//b") && !key_safe("a/../b"));
	CHECK(!key_safe("") && !key_safe("a/") && !key_safe("a/\tb") && key_safe("a/.b"));
}

static void test_urls(void)
{
	char u[64];
	CHECK(url_with_key(u, sizeof u, "http://h:1/", "b/ID/S/fs/a b%.csv") == 0);
	CHECK_STR(u, "http://h:1/b/ID/S/fs/a%20b%25.csv");
	CHECK(url_with_key(u, sizeof u, "https://h", "k~_-.x/\xc3\xa9") == 0);
	CHECK_STR(u, "https://h/k~_-.x/%C3%A9");
	CHECK(url_with_key(u, 15, "http://h", "abcdef") < 0);
	CHECK(url_with_key(u, 16, "http://h", "abcdef") == 0);   /* exactly fits */
	CHECK_STR(content_type("fs_1.csv.zst"), "application/zstd");
	CHECK_STR(content_type("fs_1.csv"), "text/csv");
	CHECK_STR(content_type("manifest.json"), "application/json");
	CHECK_STR(content_type("x.tar.gz"), "application/gzip");
	CHECK_STR(content_type(".zst"), "application/octet-stream");
	CHECK_STR(content_type("zst"), "application/octet-stream");
}

static void test_answers(void)
{
	char u[128], m[64];
	const char *why;
	const char *good = "  https://bucket.example/k?X-Amz-Signature=ab%2F&x=1\r\n";
	CHECK(presign_url(good, strlen(good), u, sizeof u, &why) == 0);
	CHECK_STR(u, "https://bucket.example/k?X-Amz-Signature=ab%2F&x=1");
	CHECK(presign_url("HTTP://h/x", 10, u, sizeof u, &why) == 0);
	static const char *bad[] = {
		"", "   \n", "garbage", "ftp://h/x", "file:///etc/passwd", "http://", "https:///x",
		"http://h/a b", "http://h/\x01", "http://h/\xc3\xa9", "<html>http://h/x</html>",
		"http://h/x\nhttp://other/y", "javascript:alert(1)", "http://@evil/",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int r = presign_url(bad[i], strlen(bad[i]), u, sizeof u, &why);
		if (r == 0)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CHECK(r < 0);
	}
	CHECK(presign_url("http://h/0123456789", 19, u, 19, &why) < 0);  /* no room */
	CHECK(presign_url("http://h/x\0y", 12, u, sizeof u, &why) < 0);

	const char *xml = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code>"
	                  "<Message>The request\nsignature</Message></Error>";
	server_message(xml, strlen(xml), m, sizeof m);
	CHECK_STR(m, "SignatureDoesNotMatch: The request signature");
	server_message("\n\n  bucket not allowed \nmore\n", 27, m, sizeof m);
	CHECK_STR(m, "bucket not allowed");
	server_message("a\001b", 3, m, sizeof m);
	CHECK_STR(m, "a?b");
	server_message("<Code>unterminated", 18, m, sizeof m);
	CHECK_STR(m, "<Code>unterminated");
	server_message("0123456789", 10, m, 5);
	CHECK_STR(m, "0123");
	server_message("<html>\r\n<head><title>409 Conflict</title></head>", 47, m, sizeof m);
	CHECK_STR(m, "409 Conflict");
	server_message("", 0, m, sizeof m);
	CHECK_STR(m, "");
}

static void test_creds(void)
{
	struct s3creds c;
	const char *why;
	const char *t = "# comment\n[other]\naws_access_key_id = NO\naws_secret_access_key=NO\n"
	                "[default]\n  aws_access_key_id = AKID \naws_secret_access_key=sec/ret+=\n"
	                "aws_session_token = tok\n[x]\naws_access_key_id = LATE\n";
	CHECK(creds_parse(t, strlen(t), "default", &c, &why) == 0);
	CHECK_STR(c.key, "AKID");
	CHECK_STR(c.secret, "sec/ret+=");
	CHECK_STR(c.token, "tok");
	CHECK(creds_parse(t, strlen(t), "other", &c, &why) == 0);
	CHECK_STR(c.key, "NO");
	CHECK(creds_parse(t, strlen(t), "missing", &c, &why) < 0);
	CHECK(creds_parse("[default]\naws_access_key_id=a b\naws_secret_access_key=s\n", 52, "default", &c, &why) < 0);
	CHECK(creds_parse("[default]\naws_access_key_id=k\n", 30, "default", &c, &why) < 0);
	CHECK(creds_parse("[default]\naws_access_key_id_x=k\naws_secret_access_key=s\n", 54, "default", &c, &why) < 0);
}

static void test_backoff(void)
{
	const int64_t s = 1000000000;
	uint64_t st = 42;
	CHECK(backoff_ns(0, s, 60 * s, 7) == 0);
	for (uint32_t f = 1; f < 80; f++)
		for (int k = 0; k < 50; k++) {
			int64_t d = f >= 7 ? 60 * s : s << (f - 1);
			int64_t b = backoff_ns(f, s, 60 * s, rng_next(&st));
			CHECK(b >= d / 2 && b <= d);
		}
	/* the jitter spreads: not all the same */
	{
		int64_t first = backoff_ns(3, s, 60 * s, rng_next(&st)), differ = 0;
		for (int k = 0; k < 20; k++)
			differ += backoff_ns(3, s, 60 * s, rng_next(&st)) != first;
		CHECK(differ > 0);
	}
	CHECK(backoff_ns(UINT32_MAX, INT64_MAX / 2, INT64_MAX, 0) >= INT64_MAX / 2 - 1);
	CHECK(backoff_ns(1, 0, s, 0) >= 0);
}

static void test_queue(void)
{
	struct uqueue q;
	struct ufile *a, *b, *c, *t;
	char p[32];
	uq_init(&q);
	a = uq_add(&q, "/r/S/a", "S/a", "k/S/a");
	b = uq_add(&q, "/r/S/b", "S/b", "k/S/b");
	CHECK(a && b && uq_add(&q, "/r/S/a", "S/a", "k/S/a") == NULL);   /* known once */
	CHECK(q.queued == 2 && q.known == 2);
	b->next_ns = 100;
	CHECK(uq_take(&q, 50) == a);
	CHECK(uq_take(&q, 50) == NULL);                  /* b not due */
	CHECK(uq_add(&q, "/r/S/a", "S/a", "k/S/a") == NULL);   /* in flight: still known */
	CHECK(uq_next_due(&q) == 100);
	uq_requeue(&q, a);                               /* failed: at the back */
	c = uq_add(&q, "/r/S/c", "S/c", "k/S/c");
	CHECK(uq_take(&q, 100) == b && uq_take(&q, 100) == a && uq_take(&q, 100) == c);
	CHECK(q.queued == 0 && q.head == NULL && q.tail == NULL && uq_next_due(&q) == INT64_MAX);
	uq_forget(&q, a);
	CHECK(q.known == 2);
	CHECK(uq_add(&q, "/r/S/a", "S/a", "k/S/a") != NULL);   /* forgotten: new again */
	for (int i = 0; i < 2000; i++) {                 /* the set grows */
		snprintf(p, sizeof p, "/r/S/f%d", i);
		CHECK(uq_add(&q, p, p + 3, p) != NULL);
	}
	CHECK(q.known == 2003 && uq_add(&q, "/elsewhere", "S/f1999", "y") == NULL);   /* by rel */
	for (int i = 0; (t = uq_take(&q, 0)); i++)
		uq_forget(&q, t);
	uq_forget(&q, b);
	uq_forget(&q, c);
	CHECK(q.known == 0);
	uq_free(&q);
}

static void test_machine_id(void)
{
	char id[MACHINE_ID_LEN + 1], raw[256];
	machine_id_of("abc", 1, id);                     /* SHA-256("abc") = ba7816bf8f01cfea... */
	CHECK_STR(id, "BA7816BF8F01CFEA");
	machine_id_of("abc", 0, id);
	CHECK_STR(id, "ba7816bf8f01cfea");
	machine_id_raw(raw, sizeof raw);
	CHECK(raw[0] != '\0');
	machine_id(1, id);
	CHECK(strlen(id) == 16 && machine_id_valid(id));
	CHECK(machine_id_valid("0F1E2D3C4B5A6978") && machine_id_valid("lab-7_a"));
	CHECK(!machine_id_valid("") && !machine_id_valid("a/b") && !machine_id_valid("..") &&
	      !machine_id_valid("a b"));
}

/* Every --stats key is in the man page (the supervisor and tests read them). */
static void test_stats_keys(void)
{
#define NAME(f) #f,
	static const char *keys[] = { USTATS(NAME) "last_error" };
#undef NAME
	static char page[65536];
	FILE *f = fopen("man/iotrc-upload.1", "r");
	size_t n = f ? fread(page, 1, sizeof page - 1, f) : 0;
	if (f)
		fclose(f);
	page[n] = '\0';
	CHECK(n > 0);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char want[64];
		snprintf(want, sizeof want, ".Li %s", keys[i]);
		if (!strstr(page, want))
			fprintf(stderr, "man/iotrc-upload.1 lacks the stats key %s\n", keys[i]);
		CHECK(strstr(page, want) != NULL);
	}
}

int main(void)
{
	test_stats_keys();
	test_keys();
	test_urls();
	test_answers();
	test_creds();
	test_backoff();
	test_queue();
	test_machine_id();
	return CHECK_DONE();
}
