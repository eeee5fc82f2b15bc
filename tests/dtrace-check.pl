#!/usr/bin/perl
# dtrace-check.pl NOTES FILE.d... — static checks of the macOS D scripts,
# which cannot run here (shared/notes/macos-dtrace.md is NOTES):
#  1. every syscall probe names a system call of the notes' §1.4 table,
#     every io probe one of §2.2 (start done wait-start wait-done);
#  2. no errno built-in (§1.3), no "\x" escape (§2.11), no fds[],
#     curpsinfo or cwd (§3.1: they fault with SIP on);
#  3. every printf prints one record: 18 fields for vfs.d, 17 for io.d and
#     net.d (iotrc-records(5)), i.e. that many minus one "\001", and "\n";
#  4. every self-> variable that a clause of syscall::X sets (at entry, or
#     at return to a non-zero value) is zeroed by the last clause of
#     syscall::X:return, which has no other action that could fault first
#     (a fault ends only the clause it happens in, so the state is freed
#     even when an earlier clause faults), and every :return clause that
#     reads self-> state is guarded by a self-> predicate;
#  5. no 64-bit value (argN, a 64-bit cast, a timestamp) is stored in a
#     self-> variable whose type is int: D types a variable by its
#     declaration ("self int64_t off;") or else by the first assignment in
#     the file, and a later wider value is cut to 32 bits when printed
#     (an offset past 2 GiB would come out negative);
#  6. io.d: I/O started by an excluded pid is marked at io:::start and
#     every printing io:::done clause skips it, so the tracer's own I/O
#     is not reported as an unknown requester;
#  7. no execve:return clause prints the execname built-in: it fires on
#     the exec'ing thread, whose proc is the old image's shadow, so it is
#     the old name (xnu-11417.101.15 bsd/kern/kern_exec.c:5310-5316,
#     bsd/dev/dtrace/dtrace.c:3591-3593); the exec record's name is the
#     path's last component.
# Prints "FILE: problem" lines; exit 1 if any.
use strict;
use warnings;

my $notes = shift @ARGV or die "usage: dtrace-check.pl NOTES FILE.d...\n";
my %sys;
{
	open my $fh, '<', $notes or die "$notes: $!\n";
	my $in = 0;
	while (<$fh>) {
		$in = 1 if /^### 1\.4 /;
		$in = 0 if $in && /^### 1\.5 /;
		$sys{$1} = 1 if $in && /^\|\s*\d+\s*\|\s*`([a-z_0-9]+)`\s*\|/;
	}
}
die "no syscall table in $notes\n" if keys %sys < 100;
my %io = map { $_ => 1 } qw(start done wait-start wait-done);
my %nfields = (vfs => 18, io => 17, net => 17);
my $bad = 0;
sub problem { print "$_[0]: $_[1]\n"; $bad++; }

for my $file (@ARGV) {
	open my $fh, '<', $file or die "$file: $!\n";
	my $src = do { local $/; <$fh> };
	(my $code = $src) =~ s{/\*.*?\*/}{ my $c = $&; $c =~ s/[^\n]//g; $c }gse;
	my ($stream) = $file =~ m{(\w+)\.d$};
	# 2: forbidden built-ins and escapes
	problem($file, "uses the errno built-in (use arg3, notes §1.3)") if $code =~ /\berrno\b/;
	problem($file, "uses a \\x escape (use octal, notes §2.11)") if $code =~ /\\x/;
	problem($file, "uses $1 (kernel walk, faults under SIP, notes §3.1)")
		while $code =~ /(fds\s*\[|\bcurpsinfo\b|\bcwd\b)/g;
	# 3: record shape of each printf
	while ($code =~ /printf\s*\(\s*"((?:[^"\\]|\\.)*)"/g) {
		my $fmt = $1;
		my $n = () = $fmt =~ /\\001/g;
		my $want = $nfields{$stream} // next;
		problem($file, "printf with " . ($n + 1) . " fields, want $want: \"$fmt\"")
			if $n + 1 != $want;
		problem($file, "printf does not end the line: \"$fmt\"") unless $fmt =~ /\\n$/;
	}
	# split into clauses: header (probes, predicate) and body
	# 5: types of self-> variables: declarations, else the first assignment
	my %decl;
	$decl{$2} = $1 while $code =~ /^\s*self\s+([\w ]+?)\s*\**\s*(\w+)\s*;/mg;
	my %first;
	my $wide = qr/^(?:\(u?int64_t\)|\(uintptr_t\))|^arg\d\s*$|^(?:machtimestamp|timestamp|walltimestamp|vtimestamp)\s*$/;
	my $narrow = qr/^\((?:int|uint|int32_t|uint32_t|short|char|uint8_t)\)|^-?\d+\s*$|^\*\((?:int|uint8_t|uint32_t) \*\)/;
	while ($code =~ /self->(\w+)\s*=\s*([^;=][^;]*);/g) {
		my ($v, $rhs) = ($1, $2);
		my $t = $decl{$v} // $first{$v};
		if (!defined $t) {
			$first{$v} = $rhs =~ $wide ? 'int64' : $rhs =~ $narrow ? 'int' : 'other';
			next;
		}
		problem($file, "self->$v is typed int (first assigned or declared so) but is given the 64-bit value $rhs; declare it \"self int64_t $v;\"")
			if $t =~ /^(int|uint|int32_t|uint32_t|short|char|uint8_t)$/ && $rhs =~ $wide;
	}
	(my $plain = $code) =~ s/^\s*(#pragma|inline|self\s+\w+)\b.*$//mg;
	my @clauses;
	while ($plain =~ /([^{}]*?)\{([^{}]*)\}/gs) {
		my ($head, $body) = ($1, $2);
		my $pred = $head =~ s{/(.*)/\s*$}{}s ? $1 : '';
		my @probes = grep { length } map { s/^\s+|\s+$//gr } split /,/, $head;
		push @clauses, { probes => \@probes, pred => $pred, body => $body };
	}
	problem($file, "no clauses found") unless @clauses;
	# 6: io.d skips the I/O of excluded pids at io:::done
	if ($stream eq 'io') {
		my $marks = grep { "@{$_->{probes}}" eq 'io:::start' && $_->{pred} =~ /\$1/ &&
		                   $_->{body} =~ /io_skip\[arg0\]\s*=\s*1/ } @clauses;
		problem($file, "no io:::start clause marks the I/O of excluded pids (io_skip[arg0] = 1)")
			unless $marks;
		for my $c (@clauses) {
			next unless "@{$c->{probes}}" eq 'io:::done' && $c->{body} =~ /printf/;
			problem($file, "an io:::done clause that prints does not skip excluded pids' I/O (!io_skip[arg0])")
				unless $c->{pred} =~ /!io_skip\[arg0\]/;
		}
	}
	# 7: the exec record's name is not the old image's
	for my $c (@clauses) {
		next unless grep { /^syscall::(__mac_)?execve:return$/ } @{ $c->{probes} };
		problem($file, "an execve:return clause prints execname, the old image's name (exec-copy shadow proc)")
			if $c->{body} =~ /printf/ && $c->{body} =~ /\bexecname\b/;
	}
	# 1: probe names
	for my $c (@clauses) {
		for my $p (@{ $c->{probes} }) {
			if ($p =~ /^syscall::([^:]*):(entry|return)$/) {
				problem($file, "syscall::$1 is not in notes §1.4") unless $sys{$1};
			} elsif ($p =~ /^io:::(.*)$/) {
				problem($file, "io:::$1 is not an io probe (notes §2.2)") unless $io{$1};
			} else {
				problem($file, "unexpected probe description: $p");
			}
		}
	}
	# 4: self-> variables
	my (%set, %last, %reads);
	for my $i (0 .. $#clauses) {
		my $c = $clauses[$i];
		for my $p (@{ $c->{probes} }) {
			my ($fn, $kind) = $p =~ /^syscall::([^:]*):(entry|return)$/ or next;
			while ($c->{body} =~ /self->(\w+)\s*=\s*([^;]*);/g) {
				$set{$fn}{$1} = 1 if $kind eq 'entry' || $2 !~ /^0\s*$/;
			}
			if ($kind eq 'return') {
				$last{$fn} = $i;
				problem($file, "syscall::$fn:return reads self-> state without a self-> predicate")
					if $c->{body} =~ /self->/ && $c->{pred} !~ /self->/;
			}
		}
	}
	for my $fn (sort keys %set) {
		my $i = $last{$fn};
		if (!defined $i) {
			problem($file, "self->" . join(', self->', sort keys %{ $set{$fn} }) .
			        " set for syscall::$fn but no :return clause frees them")
				unless $fn eq 'exit';
			next;
		}
		my $body = $clauses[$i]{body};
		my %zero = map { $_ => 1 } $body =~ /self->(\w+)\s*=\s*0\s*;/g;
		for my $v (sort keys %{ $set{$fn} }) {
			problem($file, "self->$v (syscall::$fn) is not zeroed by the last :return clause")
				unless $zero{$v};
		}
		problem($file, "the last syscall::$fn:return clause can fault before freeing (it copies)")
			if $body =~ /copyin/ && $body =~ /self->\w+\s*=\s*0/ &&
			   index($body, 'copyin') < index($body, '= 0');
	}
}
exit($bad ? 1 : 0);
