/* pyfmt.c — see pyfmt.h. */
#include "pyfmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CPython's float repr (PyOS_double_to_string, 'r'): the shortest digits
 * that read back to v; positional when the decimal point falls within
 * -4 < decpt <= 16, with ".0" added to whole numbers; otherwise
 * d[.ddd]e[+-]XX with at least two exponent digits. */
size_t py_repr_double(double v, char *out)
{
	char e[40], digits[24];
	int prec, exp10, nd = 0, decpt, n = 0;
	if (__builtin_isnan(v))
		return (size_t)snprintf(out, PY_REPR_MAX, "nan");
	if (__builtin_isinf(v))
		return (size_t)snprintf(out, PY_REPR_MAX, v < 0 ? "-inf" : "inf");
	if (v == 0)
		return (size_t)snprintf(out, PY_REPR_MAX, __builtin_signbit(v) ? "-0.0" : "0.0");
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof e, "%.*e", prec, v);
		if (strtod(e, NULL) == v)
			break;
	}
	/* e = "-d.ddde+XX": collect the digits, drop trailing zeros */
	for (const char *p = e; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[nd++] = *p;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	exp10 = atoi(strchr(e, 'e') + 1);
	decpt = exp10 + 1;
	if (v < 0)
		out[n++] = '-';
	if (decpt > -4 && decpt <= 16) {
		if (decpt <= 0) {
			out[n++] = '0', out[n++] = '.';
			for (int i = 0; i < -decpt; i++)
				out[n++] = '0';
			memcpy(out + n, digits, (size_t)nd), n += nd;
		} else {
			for (int i = 0; i < decpt; i++)
				out[n++] = i < nd ? digits[i] : '0';
			out[n++] = '.';
			if (nd > decpt)
				memcpy(out + n, digits + decpt, (size_t)(nd - decpt)), n += nd - decpt;
			else
				out[n++] = '0';
		}
	} else {
		out[n++] = digits[0];
		if (nd > 1) {
			out[n++] = '.';
			memcpy(out + n, digits + 1, (size_t)(nd - 1)), n += nd - 1;
		}
		n += snprintf(out + n, (size_t)(PY_REPR_MAX - n), "e%c%02d", exp10 < 0 ? '-' : '+',
		              exp10 < 0 ? -exp10 : exp10);
	}
	out[n] = 0;
	return (size_t)n;
}

double py_round(double v, int ndigits)
{
	char b[400];
	if (__builtin_isnan(v) || __builtin_isinf(v))
		return v;
	snprintf(b, sizeof b, "%.*f", ndigits, v);   /* printf rounds the exact value */
	return strtod(b, NULL);
}

double py_stat_time(int64_t sec, int64_t nsec)
{
	return (double)sec + (double)nsec * 1e-9;
}

/* No libm (a tool links only what the Makefile names): truncation and
 * rounding of values well inside int64_t, where x - trunc(x) is exact. */
static double trunc_(double x)
{
	return (double)(int64_t)x;
}

static double round_away(double x)     /* C round() */
{
	double r = trunc_(x), d = x - r;
	if (d >= 0.5)
		r += 1.0;
	else if (d <= -0.5)
		r -= 1.0;
	return r;
}

/* _PyTime_Round(x, HALF_EVEN) */
static double round_half_even(double x)
{
	double r = round_away(x), d = x - r;
	if (d == 0.5 || d == -0.5)
		r = 2.0 * round_away(x / 2.0);
	return r;
}

/* _PyTime_DoubleToDenominator with a denominator of 1e6, then floor
 * seconds as datetime does for negative microseconds. */
void py_fromtimestamp(double t, int64_t *sec, int32_t *us)
{
	double ip, fp;
	if (!(t > -9e18 && t < 9e18))          /* NaN or beyond any date */
		t = 0;
	ip = trunc_(t), fp = t - ip;           /* modf */
	fp = round_half_even(fp * 1e6);
	if (fp >= 1e6)
		fp -= 1e6, ip += 1.0;
	else if (fp < 0)
		fp += 1e6, ip -= 1.0;
	*sec = (int64_t)ip;
	*us = (int32_t)fp;
}
