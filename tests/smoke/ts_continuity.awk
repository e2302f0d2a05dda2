# The judge of the ffmpeg smoke case: MPEG-TS continuity counted from tshark's decoding, one
# datagram a line, fields PIDs, continuity counters, adaptation field controls (comma lists). The
# null PID and the reserved control 0 are not counted; control 2 (no payload) does not advance the
# counter; a repeated counter is a duplicate; a gap, modulo 16, is loss.
{
  n = split($1, pid, ","); split($2, cc, ","); split($3, afc, ",")
  for (i = 1; i <= n; i++) {
    if (pid[i] ~ /1fff$/ || afc[i] ~ /0$/) continue
    packets++
    if (afc[i] ~ /2$/) continue
    c = cc[i] + 0
    if (pid[i] in last) {
      if (c == last[pid[i]]) dup++
      else lost += (c - last[pid[i]] - 1 + 32) % 16
    }
    last[pid[i]] = c
  }
}
END { printf "%d TS packets, %d lost, %d duplicated\n", packets, lost, dup }
