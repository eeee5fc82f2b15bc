/* top_tty.c — the terminal view, like top(1): a full-screen table
 * redrawn every interval through curses (ncurses on Linux, the system's
 * on macOS), so it works in any terminal and over ssh, from 80x24 up.
 * Keys come from /dev/tty, since stdin may be the CSV stream. Two views:
 * the processes, and one process's files (Enter on a process; Esc or
 * Backspace goes back). Names and paths are made safe before they reach
 * the terminal (top_fmt.c): an escape sequence in a file name is shown,
 * not obeyed. */
#include "top.h"
#include "util.h"
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ttty {
	SCREEN *scr;
	FILE *in;
	enum top_sort by;
	char filter[64];
	long top;                     /* at most this many rows (-1: what fits) */
	int editing;                  /* typing a filter */
	char edit[64];
	size_t elen;
	int help;
	size_t sel, scroll;           /* selected row, first row shown */
	uint32_t sel_pid;             /* the selected process, kept across */
	uint64_t sel_id;              /* refreshes while rows move */
	int drill;                    /* showing a process's files */
	int open;                     /* Enter: open the selected one at the next draw */
	uint32_t dpid;
	uint64_t did;
	struct top *t;
	const struct tstatus *st;
};

struct ttty *ttty_start(char *err, size_t errcap)
{
	struct ttty *v;
	FILE *in = fopen("/dev/tty", "r");
	SCREEN *scr;
	if (!in) {
		snprintf(err, errcap, "/dev/tty: cannot open");
		return NULL;
	}
	setenv("ESCDELAY", "25", 0);   /* Esc alone goes back at once */
	scr = newterm(NULL, stdout, in);
	if (!scr) {
		snprintf(err, errcap, "TERM=%s: unknown terminal", getenv("TERM") ? getenv("TERM") : "");
		fclose(in);
		return NULL;
	}
	v = xcalloc(1, sizeof *v);
	v->scr = scr;
	v->in = in;
	v->top = -1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	return v;
}

void ttty_setup(struct ttty *v, enum top_sort by, const char *filter, long top)
{
	v->by = by;
	snprintf(v->filter, sizeof v->filter, "%s", filter ? filter : "");
	v->top = top;
}

int ttty_fd(const struct ttty *v)
{
	return fileno(v->in);
}

void ttty_stop(struct ttty *v)
{
	endwin();
	delscreen(v->scr);
	fclose(v->in);
	free(v);
}

/* ---- drawing ---- */

/* s[0..n) in at most w columns at (y, x), made safe; a path is cut at its
 * start (its end says more), other text at its end. */
static void put_text(int y, int x, const char *s, size_t n, int w, int tail)
{
	char b[4 * 512 + 8];
	size_t c = fmt_cols(s, n);
	if (w <= 0)
		return;
	if (w > 512)
		w = 512;
	if (tail && c > (size_t)w) {
		/* skip code points from the start, leave "~" + the last w-1 */
		const unsigned char *p = (const unsigned char *)s;
		size_t skip = c - (size_t)w + 1, i = 0;
		while (skip && i < n) {
			i++;
			while (i < n && (p[i] & 0xC0) == 0x80)
				i++;
			skip--;
		}
		mvaddstr(y, x, "~");
		fmt_safe(b, s + i, n - i, (size_t)w - 1);
		addstr(b);
		return;
	}
	fmt_safe(b, s, n, (size_t)w);
	mvaddstr(y, x, b);
}

static void num(char *out, double v)
{
	fmt_human(out, v);
}

static const char *sort_label(enum top_sort by)
{
	static const char *const l[SORT_N] = { "total bytes", "bytes/s", "read bytes", "write bytes",
	                                       "operations" };
	return l[by];
}

static void header_lines(struct ttty *v, const struct top *t, const struct tstatus *st, int cols)
{
	char now[16], r[16], w[16], rr[16], ww[16], line[512];
	time_t tt = time(NULL);
	struct tm tm;
	double rate_r, rate_w;
	strftime(now, sizeof now, "%H:%M:%S", localtime_r(&tt, &tm));
	top_rates(t, &t->tot, &rate_r, &rate_w);
	num(r, (double)t->total.rbytes), num(w, (double)t->total.wbytes);
	num(rr, rate_r), num(ww, rate_w);
	mvprintw(0, 0, "iotrc-top %s  rows %llu  ", now, (unsigned long long)st->rows);
	if (st->malformed)
		printw("malformed %llu  ", (unsigned long long)st->malformed);
	put_text(0, getcurx(stdscr), st->input, strlen(st->input), cols - getcurx(stdscr) - 8, 1);
	if (st->ended)
		addstr(" (ended)");
	snprintf(line, sizeof line, "read %s %s/s  write %s %s/s  procs %llu  files %llu", r, rr, w, ww,
	         (unsigned long long)t->nprocs, (unsigned long long)t->nfiles);
	mvaddnstr(1, 0, line, cols);
	if (t->other_procs || t->other_files) {
		snprintf(line, sizeof line, "  folded %llu/%llu", (unsigned long long)t->other_procs,
		         (unsigned long long)t->other_files);
		addnstr(line, cols - getcurx(stdscr));
	}
	if (st->note) {
		attron(A_BOLD);
		put_text(2, 0, st->note, strlen(st->note), cols, 0);
		attroff(A_BOLD);
	} else {
		snprintf(line, sizeof line, "sort: %s%s%s%s%s", sort_label(v->by),
		         v->filter[0] ? "  filter: " : "", v->filter, st->url ? "  page: " : "",
		         st->url ? st->url : "");
		put_text(2, 0, line, strlen(line), cols, 0);
	}
}

/* The selected row stays in view. */
static void keep_visible(struct ttty *v, size_t n, size_t rows)
{
	if (!n) {
		v->sel = v->scroll = 0;
		return;
	}
	if (v->sel >= n)
		v->sel = n - 1;
	if (v->sel < v->scroll)
		v->scroll = v->sel;
	if (rows && v->sel >= v->scroll + rows)
		v->scroll = v->sel - rows + 1;
}

static void counters(int y, int x, const struct top *t, const struct tent *e, int rates)
{
	char a[16], b[16], c[16], d[16];
	double r = 0, w = 0;
	if (rates)
		top_rates(t, e, &r, &w);
	num(a, (double)e->c.rbytes), num(b, (double)e->c.wbytes);
	num(c, r), num(d, w);
	mvprintw(y, x, "%7s %7s %7s %7s", a, b, rates ? c : "-", rates ? d : "-");
	num(a, (double)e->c.reads), num(b, (double)e->c.writes);
	printw(" %7s %7s", a, b);
}

static void draw_procs(struct ttty *v, const struct top *t, int rows, int cols)
{
	struct tproc **pl;
	size_t n = top_list_procs(t, v->by, v->filter, &pl), show = n, i;
	int cw = cols - 62 < 12 ? 12 : cols - 62 > 40 ? 40 : cols - 62, y = 4;
	if (v->top >= 0 && (size_t)v->top < show && v->top)
		show = (size_t)v->top;
	for (i = 0; i < show; i++)          /* follow the selected process */
		if (pl[i]->pid == v->sel_pid && pl[i]->id == v->sel_id) {
			v->sel = i;
			break;
		}
	keep_visible(v, show, (size_t)(rows - 5 - (t->other_procs ? 1 : 0)));
	attron(A_REVERSE);
	mvprintw(3, 0, "%7s %-*s %7s %7s %7s %7s %7s %7s %5s", "PID", cw, "COMMAND", "READ", "WRITE",
	         "READ/s", "WRITE/s", "READS", "WRITES", "FILES");
	for (int x = getcurx(stdscr); x < cols; x++)
		addch(' ');
	attroff(A_REVERSE);
	for (i = v->scroll; i < show && y < rows - 1 - (t->other_procs ? 1 : 0); i++, y++) {
		const struct tproc *p = pl[i];
		char f[16];
		if (i == v->sel)
			attron(A_REVERSE | A_BOLD);
		mvprintw(y, 0, "%7u ", p->pid);
		put_text(y, 8, p->name, p->cmdlen, cw, 0);
		counters(y, 9 + cw, t, &p->e, 1);
		num(f, (double)(p->nfiles + p->other_files));
		printw(" %5s", f);
		if (i == v->sel) {
			for (int x = getcurx(stdscr); x < cols; x++)
				addch(' ');
			attroff(A_REVERSE | A_BOLD);
			v->sel_pid = p->pid, v->sel_id = p->id;
			if (v->open) {       /* keys are taken before the rows are known */
				v->drill = 1;
				v->dpid = p->pid, v->did = p->id;
			}
		}
	}
	if (t->other_procs && !v->filter[0]) {
		char f[16];
		struct tent e;
		memset(&e, 0, sizeof e);
		e.c = t->other;
		mvprintw(y, 8, "%-*s", cw, TOP_OTHER);
		counters(y, 9 + cw, t, &e, 0);
		num(f, (double)t->other_files);
		printw(" %5s", f);
	}
	free(pl);
}

static void draw_files(struct ttty *v, const struct top *t, int rows, int cols)
{
	const struct tproc *p = top_find(t, v->dpid, v->did);
	struct tfile **fl;
	size_t n, i;
	int y = 5;
	char line[256];
	if (!p) {
		mvaddstr(4, 0, "this process was folded into (other): Esc goes back");
		return;
	}
	n = top_list_files(t, p, v->by, &fl);
	snprintf(line, sizeof line, "%u ", p->pid);
	attron(A_BOLD);
	mvaddstr(3, 0, line);
	put_text(3, (int)strlen(line), p->name, p->cmdlen, 32, 0);
	attroff(A_BOLD);
	snprintf(line, sizeof line, "  since %.19s  %llu files", p->start,
	         (unsigned long long)(p->nfiles + p->other_files));
	addnstr(line, cols - getcurx(stdscr));
	keep_visible(v, n, (size_t)(rows - 6));
	attron(A_REVERSE);
	mvprintw(4, 0, "%7s %7s %7s %7s %7s %7s  %s", "READ", "WRITE", "READ/s", "WRITE/s", "READS",
	         "WRITES", "FILE");
	for (int x = getcurx(stdscr); x < cols; x++)
		addch(' ');
	attroff(A_REVERSE);
	for (i = v->scroll; i < n && y < rows - 1 - (p->other_files ? 1 : 0); i++, y++) {
		if (i == v->sel)
			attron(A_BOLD);
		counters(y, 0, t, &fl[i]->e, 1);
		if (fl[i]->len)
			put_text(y, 49, fl[i]->path, fl[i]->len, cols - 49, 1);
		else
			mvaddstr(y, 49, TOP_NONAME);
		if (i == v->sel)
			attroff(A_BOLD);
	}
	if (p->other_files) {
		struct tent e;
		memset(&e, 0, sizeof e);
		e.c = p->other;
		counters(y, 0, t, &e, 0);
		snprintf(line, sizeof line, TOP_OTHER " %llu files folded", (unsigned long long)p->other_files);
		mvaddnstr(y, 49, line, cols - 49);
	}
	free(fl);
}

static void footer(struct ttty *v, int rows, int cols)
{
	const char *keys = v->drill
		? "Esc back  t/r/w/s/o sort  </> next sort  arrows move  q quit"
		: "Enter files  t/r/w/s/o sort  </> next sort  / filter  arrows move  q quit";
	move(rows - 1, 0);
	clrtoeol();
	if (v->editing) {
		mvaddstr(rows - 1, 0, "filter (command or pid, Enter to apply, Esc to cancel): ");
		put_text(rows - 1, getcurx(stdscr), v->edit, v->elen, cols - getcurx(stdscr) - 1, 1);
		return;
	}
	attron(A_DIM);
	mvaddnstr(rows - 1, 0, v->help ? "t total  r read  w write  s bytes/s  o operations  "
	                                 "Enter/Right: a process's files  Esc/Left/Backspace: back"
	                               : keys, cols);
	attroff(A_DIM);
}

void ttty_draw(struct ttty *v, struct top *t, const struct tstatus *st)
{
	int rows, cols;
	v->t = t, v->st = st;
	getmaxyx(stdscr, rows, cols);
	erase();
	if (rows < 8 || cols < 40) {
		mvaddstr(0, 0, "terminal too small");
		refresh();
		return;
	}
	top_lock(t);
	header_lines(v, t, st, cols);
	if (!v->drill)
		draw_procs(v, t, rows, cols);
	if (v->drill && v->open) {        /* Enter opened the selected process */
		v->open = 0;
		v->sel = v->scroll = 0;
		erase();
		header_lines(v, t, st, cols);
	}
	v->open = 0;
	if (v->drill)
		draw_files(v, t, rows, cols);
	top_unlock(t);
	footer(v, rows, cols);
	refresh();
}

/* ---- keys ---- */

static void edit_key(struct ttty *v, int ch)
{
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		memcpy(v->filter, v->edit, v->elen);
		v->filter[v->elen] = 0;
		v->editing = 0;
		v->sel = v->scroll = 0;
		v->sel_pid = 0, v->sel_id = 0;
	} else if (ch == 27)
		v->editing = 0;
	else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && v->elen)
		v->elen--;
	else if (ch >= 0x20 && ch < 0x7f && v->elen < sizeof v->edit - 1)
		v->edit[v->elen++] = (char)ch;
}

static void move_sel(struct ttty *v, long d)
{
	long s = (long)v->sel + d;
	v->sel = s < 0 ? 0 : (size_t)s;
	v->sel_pid = 0, v->sel_id = 0;  /* the row under the cursor now */
}

/* One key; 1 to quit. */
static int key(struct ttty *v, int ch)
{
	int rows = getmaxy(stdscr), page = rows > 8 ? rows - 7 : 1;
	const char *sorts = "trwso";
	const char *k = ch > 0 && ch < 128 ? strchr(sorts, ch) : NULL;
	if (v->editing) {
		edit_key(v, ch);
		return 0;
	}
	if (k && *k) {
		static const enum top_sort by[] = { SORT_TOTAL, SORT_READ, SORT_WRITE, SORT_RATE, SORT_OPS };
		v->by = by[k - sorts];
		return 0;
	}
	switch (ch) {
	case 'q': return 1;
	case '<': v->by = (enum top_sort)((v->by + SORT_N - 1) % SORT_N); break;
	case '>': v->by = (enum top_sort)((v->by + 1) % SORT_N); break;
	case 'h': case '?': v->help = !v->help; break;
	case '/': case 'f':
		if (!v->drill) {
			v->editing = 1;
			v->elen = strlen(v->filter);
			memcpy(v->edit, v->filter, v->elen);
		}
		break;
	case KEY_UP: case 'k': move_sel(v, -1); break;
	case KEY_DOWN: case 'j': move_sel(v, 1); break;
	case KEY_PPAGE: move_sel(v, -page); break;
	case KEY_NPAGE: case ' ': move_sel(v, page); break;
	case KEY_HOME: move_sel(v, -(long)v->sel); break;
	case '\n': case '\r': case KEY_ENTER: case KEY_RIGHT:
		v->open = !v->drill;
		break;
	case 27: case KEY_LEFT: case KEY_BACKSPACE: case 127: case 8:
		if (v->drill) {
			v->drill = 0;
			v->sel_pid = v->dpid, v->sel_id = v->did;
			v->scroll = 0;
		}
		break;
	default: break;
	}
	return 0;
}

int ttty_keys(struct ttty *v, struct top *t)
{
	int ch, any = 0;
	while ((ch = getch()) != ERR) {
		if (ch == KEY_RESIZE) {
			any = 1;
			continue;
		}
		if (key(v, ch))
			return 1;
		any = 1;
	}
	if (any && v->st)
		ttty_draw(v, t, v->st);
	return 0;
}
