#!/bin/bash
# nfq-rate.sh VIGIL RULES... — throughput of one TCP transfer (300 MB over
# HTTP, python3's http.server, curl) between two network namespaces, first
# without a queue, then through NFQUEUE with `VIGIL -q` and each ruleset in
# turn.  Informal: one flow, the machine's other load counts.  EXTRA="--set
# nfq.batchcount=1" passes options to vigil.  Needs root, iptables, curl.
set -u
V=$1
shift
NC=ipsr-c NS=ipsr-s IC=ipsrc IS=ipsrs Q=77
T=$(mktemp -d)
ip netns add $NC; ip netns add $NS
ip link add $IC type veth peer name $IS
ip link set $IC netns $NC; ip link set $IS netns $NS
ip -n $NC addr add 10.99.0.1/24 dev $IC; ip -n $NS addr add 10.99.0.2/24 dev $IS
ip -n $NC link set $IC up; ip -n $NS link set $IS up; ip -n $NS link set lo up
head -c 300000000 /dev/zero > $T/big
ip netns exec $NS python3 -m http.server 8080 --bind 10.99.0.2 --directory $T >/dev/null 2>&1 &
SRVPID=$!
sleep 1
xfer() { ip netns exec $NC curl -s -o /dev/null -w '%{speed_download}' http://10.99.0.2:8080/big; }
echo "baseline: $(xfer | awk '{printf "%.0f Mbit/s", $1*8/1e6}')"
ip netns exec $NS iptables -A INPUT -i $IS -j NFQUEUE --queue-num $Q
ip netns exec $NS iptables -A OUTPUT -o $IS -j NFQUEUE --queue-num $Q
for rules in "$@"; do
	ip netns exec $NS $V -q $Q -l $T -S $rules --set outputs.1.eve-log.enabled=no ${EXTRA:-} 2>$T/err &
	VP=$!
	for i in $(seq 600); do grep -q "capturing on" $T/err && break; sleep 0.1; done
	echo "vigil ($(basename $rules), $(grep -o '[0-9]* rules loaded' $T/err)): $(xfer | awk '{printf "%.0f Mbit/s", $1*8/1e6}')"
	kill -INT $VP; wait $VP
	tail -1 $T/err
done
kill $SRVPID
ip netns del $NC; ip netns del $NS; rm -rf $T
