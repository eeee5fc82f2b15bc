/* check.h — tiny assertion helpers for the C unit tests. */
#ifndef CHECK_H
#define CHECK_H
#include <stdio.h>
#include <string.h>
static int check_fails, check_count;
#define CHECK(c) do { check_count++; if (!(c)) { check_fails++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); check_count++; \
	if (strcmp(a_, b_)) { check_fails++; \
	fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, a_, b_); } } while (0)
#define CHECK_DONE() (printf("%d checks, %d failed\n", check_count, check_fails), check_fails ? 1 : 0)
#endif
