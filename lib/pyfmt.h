/* pyfmt.h — numbers and times written as the family's Python writes them
 * (upstream.md §2.1, §3): a float's repr (shortest round trip, "2.0",
 * "5e-05"), os.stat's float times, and datetime.fromtimestamp's rounding
 * to microseconds (half to even, in double arithmetic), so that a
 * snapshot's cells match upstream's byte for byte. */
#ifndef IOTRC_PYFMT_H
#define IOTRC_PYFMT_H
#include <stddef.h>
#include <stdint.h>

#define PY_REPR_MAX 32
/* repr(v) into out (PY_REPR_MAX bytes); returns its length. */
size_t py_repr_double(double v, char *out);
/* round(v, ndigits): correctly rounded to that many decimals, ties to
 * even on the exact binary value, as Python does. */
double py_round(double v, int ndigits);
/* os.stat's st_mtime and friends: (double)sec + nsec * 1e-9. */
double py_stat_time(int64_t sec, int64_t nsec);
/* datetime.fromtimestamp(t): whole seconds (floor) and microseconds as
 * CPython rounds them (_PyTime_ROUND_HALF_EVEN). */
void py_fromtimestamp(double t, int64_t *sec, int32_t *us);
#endif
