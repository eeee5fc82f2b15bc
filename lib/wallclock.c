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
