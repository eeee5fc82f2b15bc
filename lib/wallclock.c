/* wallclock.c — see wallclock.h */
#include "wallclock.h"
#include <string.h>
#include <time.h>

void wall_init(struct wallfmt *w)
{
	w->sec = INT64_MIN;
	memset(w->head, 0, sizeof w->head);
}

static void two(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/* localtime_r only when the second changes: rows arrive in time order, so
 * this is once a second, not once a row. */
static void refresh(struct wallfmt *w, int64_t sec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	int y;
	if (w->sec == sec)
		return;
	if (!localtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	y = tm.tm_year + 1900;
	if (y < 0)
		y = 0;
	w->head[0] = (char)('0' + y / 1000 % 10);
	w->head[1] = (char)('0' + y / 100 % 10);
	two(w->head + 2, y % 100);
	w->head[4] = '-';
	two(w->head + 5, tm.tm_mon + 1);
	w->head[7] = '-';
	two(w->head + 8, tm.tm_mday);
	w->head[10] = ' ';
	two(w->head + 11, tm.tm_hour);
	w->head[13] = ':';
	two(w->head + 14, tm.tm_min);
	w->head[16] = ':';
	two(w->head + 17, tm.tm_sec);
	w->sec = sec;
}

static void split(int64_t ns, int64_t *sec, int64_t *frac)
{
	*sec = ns / 1000000000;
	*frac = ns % 1000000000;
	if (*frac < 0) {
		*frac += 1000000000;
		(*sec)--;
	}
}

/* head + "." + the first `digits` digits of the fraction */
static size_t fmt_frac(struct wallfmt *w, int64_t ns, char *out, int digits)
{
	int64_t sec, frac;
	split(ns, &sec, &frac);
	refresh(w, sec);
	memcpy(out, w->head, 19);
	out[19] = '.';
	for (int i = 0; i < 9 - digits; i++)
		frac /= 10;
	for (int i = 19 + digits; i >= 20; i--) {
		out[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	out[20 + digits] = 0;
	return (size_t)(20 + digits);
}

size_t wall_fmt(struct wallfmt *w, int64_t ns, char *out)
{
	return fmt_frac(w, ns, out, 6);
}

size_t wall_fmt_ms(struct wallfmt *w, int64_t ns, char *out)
{
	return fmt_frac(w, ns, out, 3);
}

void walltz_init(struct walltz *z)
{
	for (int i = 0; i < WALLTZ_SLOTS; i++)
		z->hour[i] = INT64_MIN, z->off[i] = 0, z->mixed[i] = 0;
	z->last_sec = INT64_MIN;
}

static size_t put_us(char *out, int32_t us)
{
	if (us == 0) {
		out[19] = 0;
		return 19;
	}
	out[19] = '.';
	two(out + 20, us / 10000);
	two(out + 22, us / 100 % 100);
	two(out + 24, us % 100);
	out[26] = 0;
	return 26;
}

static int32_t utc_offset(int64_t sec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	return localtime_r(&t, &tm) ? (int32_t)tm.tm_gmtoff : 0;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* days since 1970-01-01 -> civil date (H. Hinnant, "chrono-compatible
 * low-level date algorithms"), proleptic Gregorian like datetime */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era = floordiv(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

size_t wall_fmt_py(struct walltz *z, int64_t sec, int32_t us, char *out)
{
	int64_t h = floordiv(sec, 3600), local, days, y, sod;
	unsigned slot = (unsigned)h % WALLTZ_SLOTS;
	int32_t off;
	int m, d;
	if (sec == z->last_sec) {       /* a file's three times are often one */
		memcpy(out, z->last, 19);
		return put_us(out, us);
	}
	if (z->hour[slot] != h) {
		int32_t a = utc_offset(h * 3600), b = utc_offset(h * 3600 + 3599);
		z->hour[slot] = h, z->off[slot] = a, z->mixed[slot] = a != b;
	}
	off = z->mixed[slot] ? utc_offset(sec) : z->off[slot];
	local = sec + off;
	days = floordiv(local, 86400);
	sod = local - days * 86400;
	civil(days, &y, &m, &d);
	if (y < 0)
		y = 0;
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	two(out + 2, (int)(y % 100));
	out[4] = '-';
	two(out + 5, m);
	out[7] = '-';
	two(out + 8, d);
	out[10] = ' ';
	two(out + 11, (int)(sod / 3600));
	out[13] = ':';
	two(out + 14, (int)(sod / 60 % 60));
	out[16] = ':';
	two(out + 17, (int)(sod % 60));
	z->last_sec = sec;
	memcpy(z->last, out, 19);
	return put_us(out, us);
}
