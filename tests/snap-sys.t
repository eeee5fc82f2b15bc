#!/bin/sh
# iotrc-snap-sys: the five files, each valid JSON exactly as Python's
# json.dumps(indent=2) writes it, mode 0600, replaced atomically (no
# temporary left), agreeing with independent sources on this machine:
# nproc and /proc/cpuinfo, /proc/meminfo, df and stat, ip -j addr, uname
# and /etc/os-release; no network socket opened (strace); -a hashes the
# host name with iotrc-parse's key; usage errors exit 2, an unwritable
# DIR exits 1.
set -u
fail() { echo "FAIL: $*"; exit 1; }
iotrc-snap-sys -h | grep -q '^usage: iotrc-snap-sys' || fail "-h"
for args in "" "a b" "--bogus d" "''"; do
	eval "iotrc-snap-sys $args" >"$T/u.out" 2>"$T/u.err"; st=$?
	[ $st = 2 ] || fail "iotrc-snap-sys $args: exit $st, want 2"
	head -n 1 "$T/u.err" | grep -q '^iotrc-snap-sys: ' || fail "$args: $(head -n 1 "$T/u.err")"
done

D=$T/session/system_spec
( umask 0; iotrc-snap-sys "$D" ) 2>"$T/err" || fail "exit $? $(cat "$T/err")"
[ -s "$T/err" ] && fail "stderr: $(cat "$T/err")"
for f in cpu_info memory_info disk_info network_info os_info; do
	[ "$(stat -c %a "$D/$f.json")" = 600 ] || fail "$f.json mode $(stat -c %a "$D/$f.json")"
done
[ "$(stat -c %a "$D")" = 700 ] || fail "DIR mode $(stat -c %a "$D")"
[ "$(ls -A "$D" | wc -l)" = 5 ] || fail "DIR holds $(ls -A "$D")"
# a second run replaces them (atomically: no temporary stays)
iotrc-snap-sys "$D" || fail "second run: exit $?"
[ "$(ls -A "$D" | wc -l)" = 5 ] || fail "after a second run: $(ls -A "$D")"

ip -j addr >"$T/ip.json" || fail "ip -j addr"
# -a: GNU df shows one mount of a device, and bind mounts (ip netns
# makes one of /run/netns) are partitions too
df -a -B1 --output=target,size,used,avail >"$T/df"
"$PY" - "$D" "$T/ip.json" "$T/df" "$(nproc)" "$(uname -s)" "$(uname -r)" "$(uname -v)" "$(uname -m)" "$(uname -n)" <<'PY' || exit 1
import ipaddress, json, os, sys
d, ipj, dff, nproc, system, release, version, machine, node = sys.argv[1:]
def fail(m):
    print('FAIL:', m); sys.exit(1)
docs = {}
for f in ('cpu_info', 'memory_info', 'disk_info', 'network_info', 'os_info'):
    text = open(f'{d}/{f}.json', encoding='ascii').read()
    docs[f] = obj = json.loads(text)
    if json.dumps(obj, indent=2) != text: fail(f'{f}.json is not as json.dumps(indent=2) writes it')
cpu, mem, disk, net, osi = (docs[k] for k in ('cpu_info', 'memory_info', 'disk_info', 'network_info', 'os_info'))
# cpu
if cpu['cores_logical'] != int(nproc): fail(f"cores_logical {cpu['cores_logical']} vs nproc {nproc}")
model = [l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if 'model name' in l]
if model and cpu['brand'] != model[0]: fail(f"brand {cpu['brand']!r}")
if not isinstance(cpu['cores_physical'], int) or not 1 <= cpu['cores_physical'] <= int(nproc): fail('cores_physical')
if list(cpu) != ['brand', 'cores_logical', 'cores_physical', 'frequency_mhz', 'frequency_min_mhz', 'frequency_max_mhz']:
    fail(f'cpu keys {list(cpu)}')
# memory
mi = {l.split(':')[0]: int(l.split()[1]) * 1024 for l in open('/proc/meminfo')}
if mem['total_bytes'] != mi['MemTotal']: fail('total_bytes')
if abs(mem['available_bytes'] - mi['MemAvailable']) > mi['MemTotal'] * 0.05: fail('available_bytes')
if mem['swap_total_bytes'] != mi['SwapTotal'] or mem['swap_free_bytes'] + mem['swap_used_bytes'] != mi['SwapTotal']:
    fail('swap')
if mem['total_gb'] != round(mi['MemTotal'] / 1024**3, 2): fail('total_gb')
if mem['percent_used'] != round((mem['total_bytes'] - mem['available_bytes']) / mem['total_bytes'] * 100, 1):
    fail('percent_used')
# disks: every partition's sizes as df says (used may move a little meanwhile)
df = {}
for l in open(dff).read().split('\n')[1:]:
    f = l.split()
    if len(f) == 4 and all(x.isdigit() for x in f[1:]):   # df -a: "-" for some pseudo ones
        df[f[0]] = (int(f[1]), int(f[2]), int(f[3]))
parts = disk['partitions']
if not any(p['mountpoint'] == '/' for p in parts): fail('no / partition')
for p in parts:
    if list(p)[:5] != ['device', 'mountpoint', 'fstype', 'opts', 'dev_major_minor']: fail(f'keys {list(p)}')
    st = os.stat(p['mountpoint'])
    if p['dev_major_minor'] != f'{os.major(st.st_dev)}:{os.minor(st.st_dev)}': fail(f'dev of {p}')
    if p['mountpoint'] not in df: fail(f"{p['mountpoint']} is not in df -a")
    size, used, avail = df[p['mountpoint']]
    if p['total_bytes'] != size: fail(f"total of {p['mountpoint']}: {p['total_bytes']} vs df {size}")
    if abs(p['used_bytes'] - used) > 256 << 20 or abs(p['free_bytes'] - avail) > 256 << 20:
        fail(f"used/free of {p['mountpoint']}: {p} vs df {used} {avail}")
for line in open('/proc/self/mounts'):
    dev, mnt = line.split()[:2]
    if mnt == '/' and dev.startswith('/dev/') and not any(p['device'] == dev for p in parts): fail('/ device')
if disk['gpus'] != [] or not all(isinstance(s, str) for s in disk['storage_devices']): fail('gpus/storage')
# network against ip -j addr
ip = {i['ifname']: i for i in json.load(open(ipj))}
ifs = net['interfaces']
if set(ifs) != set(ip): fail(f'interfaces {sorted(ifs)} vs ip {sorted(ip)}')
for name, i in ip.items():
    f = ifs[name]
    if f['mtu'] != i['mtu']: fail(f'{name} mtu')
    if f['is_up'] != ('UP' in i['flags'] and 'LOWER_UP' in i['flags']): fail(f"{name} is_up {f['is_up']} {i['flags']}")
    got = {(a['family'], a['address'], a['netmask'], a['broadcast']) for a in f['addresses']}
    want = set()
    for a in i.get('addr_info', []):
        fam = 'AF_INET' if a['family'] == 'inet' else 'AF_INET6'
        addr = a['local'] + (f'%{name}' if a['local'].startswith('fe80:') else '')
        mask = str(ipaddress.ip_network(f"0.0.0.0/{a['prefixlen']}" if fam == 'AF_INET' else f"::/{a['prefixlen']}").netmask)
        want.add((fam, addr, mask, a.get('broadcast')))
    if i.get('address'):
        want.add(('AF_PACKET', i['address'], None, i.get('broadcast') if 'BROADCAST' in i['flags'] else None))
    if got != want: fail(f'{name}: {sorted(got, key=str)} vs ip {sorted(want, key=str)}')
if net['hostname'] != node or osi['hostname'] != node: fail('hostname')
# os
if (osi['system'], osi['release'], osi['version'], osi['machine']) != (system, release, version, machine): fail(f'os {osi}')
if osi['country'] != 'Unknown': fail('country')
rel = dict(l.rstrip('\n').split('=', 1) for l in open('/etc/os-release') if '=' in l)
if osi['distribution'] != {'name': rel['NAME'].strip('"'), 'version': rel.get('VERSION_ID', '').strip('"'),
                           'codename': rel.get('VERSION_CODENAME', '').strip('"')}: fail(f"distribution {osi['distribution']}")
print('5 files as json.dumps writes them, agreeing with nproc, /proc/meminfo, df, ip -j addr, uname')
PY

# no network: not one IP socket or connect, only the netlink getifaddrs uses
if command -v strace >/dev/null; then
	# (LeakSanitizer cannot run under ptrace: the asan pass turns it off here)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=socket,connect,sendto -o "$T/strace" iotrc-snap-sys "$T/s2" || fail "under strace: exit $?"
	grep -E 'socket\(AF_INET|socket\(AF_INET6|connect\(' "$T/strace" && fail "a network call: see above"
	grep -q 'socket(AF_NETLINK' "$T/strace" || fail "strace saw nothing: $(cat "$T/strace")"
else
	echo "note: no strace: network silence not checked"
fi

# -a: the host name is the keyed hash iotrc-parse -a would write
iotrc-snap-sys -a --anon-key "$T/key" "$T/s3" || fail "-a: exit $?"
"$PY" - "$T/s3" "$T/key" "$(uname -n)" <<'PY' || exit 1
import hashlib, hmac, json, sys
d, key, node = sys.argv[1:]
tok = hmac.new(open(key, 'rb').read(), node.encode(), hashlib.sha256).hexdigest()[:12]
for f in ('network_info', 'os_info'):
    assert json.load(open(f'{d}/{f}.json'))['hostname'] == tok, f
for f in ('cpu_info', 'memory_info', 'disk_info', 'network_info', 'os_info'):
    assert node not in open(f'{d}/{f}.json').read() or len(node) < 3, f
PY

# a DIR we may not write: said, exit 1
mkdir -m 500 "$T/ro"
setpriv --reuid=nobody --regid=nogroup --clear-groups iotrc-snap-sys "$T/ro" 2>"$T/err"; st=$?
[ $st = 1 ] && grep -q 'Permission denied' "$T/err" || fail "unwritable DIR: exit $st $(cat "$T/err")"
echo ok
