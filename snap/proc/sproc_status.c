/* sproc_status.c — process states as psutil names them (upstream.md §3:
 * the status column is psutil's string). Both tables are here, whichever
 * OS this is built for, so the tests see them. */
#include "sproc.h"

/* psutil _pslinux.PROC_STATUSES: the state letter of /proc/PID/stat */
const char *sp_status_linux(char state)
{
	switch (state) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk-sleep";
	case 'T': return "stopped";
	case 't': return "tracing-stop";
	case 'Z': return "zombie";
	case 'X': case 'x': return "dead";
	case 'K': return "wake-kill";
	case 'W': return "waking";
	case 'I': return "idle";
	case 'P': return "parked";
	default: return "";
	}
}

/* psutil _psosx.PROC_STATUSES: p_stat (xnu bsd/sys/proc.h SIDL 1 ... SZOMB 5) */
const char *sp_status_darwin(int p_stat)
{
	static const char *const names[] = { "", "idle", "running", "sleeping", "stopped", "zombie" };
	return p_stat >= 1 && p_stat <= 5 ? names[p_stat] : "";
}
