#!/bin/bash
# Regenerates the NetFlow v5/v9/IPFIX datagrams in this folder and nfdump's decoding of them.
# Not run by the build or CI: the committed files are the test data; this script only says
# how they were made. Needs Debian 12's pmacct, nfdump, softflowd, python3-scapy; sends
# only to 127.0.0.1 (UDP ports 29995-29999) and stops every daemon it starts.
# Usage: tests/data/v9_ipfix/generate.sh   (run as any user; writes only into this folder)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
EXPORT_PORT=29995
COLLECT_PORT=29996

for tool in pmacctd nfcapd nfdump softflowd softflowctl faketime timeout; do
    command -v "$tool" >/dev/null || { echo "generate.sh: $tool is missing (apt-get install pmacct nfdump softflowd faketime)" >&2; exit 1; }
done
"$PY" -c 'import scapy.all' 2>/dev/null || { echo "generate.sh: $PY cannot import scapy (apt-get install python3-scapy)" >&2; exit 1; }

# The exporters run on a clock started just before the capture's first packet
# (2026-03-14 20:00:00.5 UTC): v5 First/Last are milliseconds since the exporter's boot, so
# with the real clock they would wrap; it also keeps the headers' export times near the flows.
CLOCK=(env TZ=UTC faketime '2026-03-14 19:59:59')

work=$(mktemp -d)
daemons=()
cleanup() {
    for pid in "${daemons[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Starts receive.py for one stream and waits until its socket is bound.
start_receiver() { # dir
    rm -rf "${here:?}/$1"
    mkfifo "$work/ready.$1"
    "$PY" "$here/receive.py" "$EXPORT_PORT" "$here/$1" 3 60 >"$work/ready.$1" &
    receiver=$!
    daemons+=("$receiver")
    read -r _ <"$work/ready.$1"
}

# Replays one stream's datagrams into nfcapd, then writes nfdump's decoding as CSV.
golden() { # dir
    local dir=$1 store=$work/nfcapd.$1
    mkdir -p "$store"
    nfcapd -w "$store" -b 127.0.0.1 -p "$COLLECT_PORT" -t 3600 >"$work/nfcapd.$dir.log" 2>&1 &
    local collector=$!
    daemons+=("$collector")
    sleep 1 # nfcapd has no readiness signal; it binds within milliseconds.
    "$PY" "$here/replay.py" "$COLLECT_PORT" "$here/$dir"/*.bin
    sleep 1
    kill -TERM "$collector"
    wait "$collector" || true
    grep -E 'Flows:|exporter' "$work/nfcapd.$dir.log" >&2
    local stored
    stored=$(ls "$store"/nfcapd.2* 2>/dev/null | head -1)
    [ -n "$stored" ] || { echo "generate.sh: nfcapd stored nothing for $dir" >&2; exit 1; }
    {
        echo "first,last,proto,src_addr,dst_addr,src_port,dst_port,tcp_flags,tos,packets,bytes,in_if,out_if,src_mask,dst_mask,src_as,dst_as,next_hop,bgp_next_hop,exporter,engine"
        # -6: whole IPv6 addresses; without it nfdump shortens the long ones ("2001:db..ffff::7").
        TZ=UTC nfdump -q -N -6 -r "$stored" \
            -o "fmt:%ts,%te,%pr,%sa,%da,%sp,%dp,%flg,%tos,%pkt,%byt,%in,%out,%smk,%dmk,%sas,%das,%nh,%nhb,%ra,%eng" |
            sed -e 's/ *, */,/g' -e 's/^ *//' -e 's/ *$//'
    } >"$here/$dir/nfdump.csv"
    (cd "$here" && "$PY" dissect.py --records "$dir"/*.bin) >"$here/$dir/datagrams.txt"
}

pmacct_stream() { # dir version engine
    local dir=$1
    cat >"$work/pmacctd.$dir.conf" <<CONF
daemonize: false
pcap_savefile: $here/traffic.pcap
aggregate: src_host, dst_host, src_port, dst_port, proto, tos, tcpflags, src_as, dst_as, src_mask, dst_mask, in_iface, out_iface, peer_dst_ip
networks_file: $here/networks.lst
pmacctd_as: file
pmacctd_net: file
plugins: nfprobe[probe]
nfprobe_receiver: 127.0.0.1:$EXPORT_PORT
nfprobe_version: $2
nfprobe_engine: $3
nfprobe_timeouts: tcp=5:tcp.rst=5:tcp.fin=5:udp=5:icmp=5:general=5:maxlife=60:expint=1
nfprobe_direction[probe]: in
nfprobe_ifindex[probe]: 3
CONF
    start_receiver "$dir"
    # pmacctd exits once the savefile is read, flushing every cached flow on the way out.
    timeout 60 "${CLOCK[@]}" pmacctd -f "$work/pmacctd.$dir.conf" >"$work/pmacctd.$dir.log" 2>&1 ||
        { cat "$work/pmacctd.$dir.log" >&2; exit 1; }
    wait "$receiver"
    sed -e "s#$here/##" -e "s#$EXPORT_PORT#PORT#" "$work/pmacctd.$dir.conf" >"$here/$dir/pmacctd.conf"
    golden "$dir"
}

softflowd_stream() { # dir version [-A milli]
    local dir=$1 version=$2 ctl=$work/softflowd.$1.ctl
    shift 2
    start_receiver "$dir"
    timeout 60 "${CLOCK[@]}" softflowd -d -r "$here/traffic.pcap" -n "127.0.0.1:$EXPORT_PORT" -v "$version" "$@" \
        -p "$work/softflowd.$dir.pid" -c "$ctl" >"$work/softflowd.$dir.log" 2>&1 &
    local meter=$!
    daemons+=("$meter")
    # softflowd does not exit at the end of a savefile: once it has read it, ask it over its
    # control socket to export every flow and stop.
    local tries=0
    until [ -S "$ctl" ] && softflowctl -c "$ctl" statistics 2>/dev/null | grep -q 'Flows exported'; do
        tries=$((tries + 1)); [ $tries -lt 100 ] || { echo "generate.sh: softflowd never answered" >&2; exit 1; }
        sleep 0.1
    done
    sleep 2
    softflowctl -c "$ctl" shutdown >/dev/null
    wait "$meter" || true
    wait "$receiver"
    golden "$dir"
}

"$PY" "$here/traffic.py" "$here/traffic.pcap"
pmacct_stream v5 5 16:146
pmacct_stream v9 9 4242
pmacct_stream ipfix 10 4242
softflowd_stream softflowd-v9 9 -A milli
softflowd_stream softflowd-v9-uptime 9
softflowd_stream softflowd-ipfix 10 -A milli
{
    pmacctd -V 2>&1 | head -1
    nfcapd -V 2>&1 | head -1
    softflowd -h 2>&1 | sed -n 2p
    dpkg-query -W -f '${Package} ${Version}\n' pmacct nfdump softflowd python3-scapy 2>/dev/null || true
} >"$here/versions.txt"
du -sh --apparent-size "$here"
