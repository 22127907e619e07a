# suricata-update with vigil as its engine (--suricata vigil), from a local
# rules source (file://, no network): it reads -V and --build-info, loads
# the configuration through --dump-config (a protocol turned off there
# disables its rules), and tests the merged rules with -T, where a rule with
# an unsupported keyword is skipped and reported but not fatal (unless
# --strict), and a broken rule fails the update.
. "$(dirname "$0")/lib.sh"
command -v suricata-update >/dev/null || skip "suricata-update not installed"

# The forms suricata-update parses.
"$VIGIL_BIN" -V | grep -q "^This is Suricata version 8\.[0-9]*\.[0-9]* compatible (vigil " || fail "-V: $("$VIGIL_BIN" -V)"
bi=$("$VIGIL_BIN" --build-info)
for want in "^This is Suricata version " "^Features: .*AF_PACKET" "^ *--prefix " "^ *--sysconfdir " \
	"^ *--localstatedir " "^ *--datarootdir "; do
	grep -q "$want" <<<"$bi" || fail "--build-info lacks $want"
done
"$VIGIL_BIN" --dump-config --set flow.memcap=77mb | grep -qx "flow.memcap = 77mb" || fail "--dump-config with --set"
"$VIGIL_BIN" --dump-config | grep -q "^outputs.1.eve-log.enabled = yes$" || fail "--dump-config sequence paths"
rc=0
"$VIGIL_BIN" --dump-config -c "$TMP/missing.yaml" >/dev/null 2>"$TMP/e" || rc=$?
[ $rc = 1 ] && grep -q "missing.yaml" "$TMP/e" || fail "--dump-config with a missing -c: exit $rc"

mkdir -p "$TMP/src" "$TMP/data" "$TMP/out"
cat >"$TMP/src/local.rules" <<'EOF'
alert http any any -> any any (msg:"su: php uri"; http.uri; content:".php"; sid:2000001; rev:1;)
alert tcp any any -> any any (msg:"su: unsupported keyword"; content:"x"; vigil_no_such_keyword; sid:2000002; rev:1;)
alert dns any any -> any any (msg:"su: dns query"; dns.query; content:"example"; sid:2000003; rev:1;)
EOF
cat >"$TMP/suricata.yaml" <<EOF
%YAML 1.1
---
default-rule-path: $TMP/out
rule-files:
  - suricata.rules
app-layer:
  protocols:
    dns:
      enabled: no
EOF
tar czf "$TMP/src.tar.gz" -C "$TMP/src" local.rules
update() {
	timeout 120 suricata-update --suricata "$VIGIL_BIN" --suricata-conf "$TMP/suricata.yaml" \
		-D "$TMP/data" -o "$TMP/out" --no-reload "$@" >"$TMP/su.log" 2>&1
}
suricata-update -D "$TMP/data" add-source localtest "file://$TMP/src.tar.gz" >/dev/null 2>&1 ||
	fail "add-source"
update || { tail -20 "$TMP/su.log"; fail "suricata-update with vigil failed"; }
grep -q "Found Suricata version 8\." "$TMP/su.log" || { tail "$TMP/su.log"; fail "suricata-update did not read -V"; }
grep -q "Testing with suricata -T" "$TMP/su.log" || fail "suricata-update did not test with -T"
grep -q "sid 2000002: unsupported keyword 'vigil_no_such_keyword'" "$TMP/su.log" ||
	fail "the skipped rule was not reported"
grep -q "Disabling rules for protocol dns" "$TMP/su.log" ||
	{ tail "$TMP/su.log"; fail "the config's dns: enabled: no did not reach suricata-update (--dump-config)"; }
grep -q "^alert http.*sid:2000001;" "$TMP/out/suricata.rules" || fail "rule 2000001 not written enabled"
grep -q "^# alert dns.*sid:2000003;" "$TMP/out/suricata.rules" || fail "dns rule 2000003 not disabled"

# --strict: the skipped rule is fatal for -T.
rc=0
"$VIGIL_BIN" -T --strict -S "$TMP/out/suricata.rules" -l "$TMP" 2>/dev/null || rc=$?
[ $rc = 1 ] || fail "-T --strict with a skipped rule: exit $rc"

# A broken rule fails -T, so the update fails and says so.
echo 'alert tcp any any -> any any (msg:"broken"; content:"x"; depth:abc; sid:2000004; rev:1;)' >>"$TMP/src/local.rules"
tar czf "$TMP/src.tar.gz" -C "$TMP/src" local.rules
rc=0
update --force || rc=$?  # --force: fetch again (downloads are cached 15 min)
[ $rc != 0 ] || { tail "$TMP/su.log"; fail "suricata-update accepted a ruleset that -T rejects"; }
grep -q "Configuration provided was unsuccessful" "$TMP/su.log" || fail "-T did not say why"
echo ok
