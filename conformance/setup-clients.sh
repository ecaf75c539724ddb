#!/usr/bin/env bash
# Registers the static clients the OpenID Foundation conformance suite needs on a wechat-oidc
# deployment (with `wechat-oidc clients create`) and writes one ready configuration file per
# test plan, for the suite's scripts/run-test-plan.py. See conformance/README.md.
#
#   conformance/setup-clients.sh --issuer https://op.example.com [options] [PLAN…]
#
# Options:
#   --issuer URL        the deployment's issuer (required); its discovery document is read first
#   --suite URL         the conformance suite's base URL (default https://localhost.emobix.co.uk:8443,
#                       the suite's docker-compose; https://www.certification.openid.net for the
#                       hosted suite). The suite's redirect URIs live under SUITE/test/a/ALIAS/.
#   --alias-prefix P    prefix of the per-plan aliases (default wechat-oidc): P-basic, P-formpost, …
#   --user ID           the simulated WeChat user whose Confirm button the suite's browser presses
#                       (default alice)
#   --out DIR           where the filled files go (default conformance/out; they hold client
#                       secrets: mode 0600, ignored by git)
#   --config FILE       passed to every `wechat-oidc clients create` (else the WECHAT_OIDC_*
#                       environment, as for `serve`)
# PLAN: basic config dynamic formpost logout backchannel (default: all of them).
# The CLI: $WECHAT_OIDC_CLI (default `wechat-oidc`; e.g. ".build/release/wechat-oidc").
# Needs python3 (JSON) and the deployment's database (run it where `wechat-oidc clients` works).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
issuer=""
suite="https://localhost.emobix.co.uk:8443"
alias_prefix="wechat-oidc"
user="alice"
out="$here/out"
config_args=()
plans=()

die() { echo "setup-clients: $*" >&2; exit 1; }
while (($#)); do
    case "$1" in
        --issuer) issuer="${2:?--issuer needs a URL}"; shift 2 ;;
        --suite) suite="${2:?--suite needs a URL}"; shift 2 ;;
        --alias-prefix) alias_prefix="${2:?}"; shift 2 ;;
        --user) user="${2:?}"; shift 2 ;;
        --out) out="${2:?}"; shift 2 ;;
        --config) config_args=(--config "${2:?}"); shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) plans+=("$1"); shift ;;
    esac
done
[ -n "$issuer" ] || die "--issuer is required (see --help)"
issuer="${issuer%/}"
suite="${suite%/}"
((${#plans[@]})) || plans=(basic config dynamic formpost logout backchannel)
read -r -a cli <<<"${WECHAT_OIDC_CLI:-wechat-oidc}"
command -v python3 >/dev/null || die "python3 is needed"

# plan short name -> the suite's plan name (also the template's file name)
declare -A plan_names=(
    [basic]=oidcc-basic-certification-test-plan
    [config]=oidcc-config-certification-test-plan
    [dynamic]=oidcc-dynamic-certification-test-plan
    [formpost]=oidcc-formpost-basic-certification-test-plan
    [logout]=oidcc-rp-initiated-logout-certification-test-plan
    [backchannel]=oidcc-backchannel-rp-initiated-logout-certification-test-plan
)
# the variant each plan runs with (run-test-plan.py syntax)
declare -A plan_variants=(
    [basic]="[server_metadata=discovery][client_registration=static_client]"
    [config]=""
    [dynamic]="[response_type=code]"
    [formpost]="[server_metadata=discovery][client_registration=static_client]"
    [logout]="[response_type=code][client_registration=static_client]"
    [backchannel]="[response_type=code][client_registration=static_client]"
)
for plan in "${plans[@]}"; do
    [ -n "${plan_names[$plan]:-}" ] || die "unknown plan '$plan' (basic config dynamic formpost logout backchannel)"
done

# 1. The deployment's discovery document: the endpoints the browser steps match on, and what the
#    plans require that the deployment may not offer (yet).
discovery="$(python3 - "$issuer" <<'PY'
import json, sys, urllib.request
issuer = sys.argv[1]
url = issuer + "/.well-known/openid-configuration"
try:
    with urllib.request.urlopen(url, timeout=20) as response:
        metadata = json.load(response)
except Exception as error:
    sys.exit(f"setup-clients: cannot read {url}: {error}")
if metadata.get("issuer") != issuer:
    sys.exit(f"setup-clients: {url} names issuer {metadata.get('issuer')!r}, not {issuer!r}")
print(json.dumps(metadata))
PY
)"
meta() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print(json.dumps(v) if isinstance(v,(list,dict,bool)) else (v or ""))' "$discovery" "$1"; }
authorization_endpoint="$(meta authorization_endpoint)"
end_session_endpoint="$(meta end_session_endpoint)"
[ -n "$authorization_endpoint" ] || die "the discovery document has no authorization_endpoint"
case "$issuer" in https://*) ;; *) echo "WARNING: $issuer is not https: the suite's plans require an https issuer" >&2 ;; esac

requires() {  # plan, whether it holds, what the plan needs
    if [ "$2" != yes ]; then
        echo "NOTE ($1): the plan requires $3; this deployment does not offer it yet, so its modules will fail or be skipped." >&2
    fi
}
holds() { python3 -c 'import json,sys; m=json.loads(sys.argv[1]); print("yes" if eval(sys.argv[2]) else "no")' "$discovery" "$1"; }

# Options of `clients create` that newer versions may have (logout URIs): used when offered.
create_help="$("${cli[@]}" clients create --help 2>&1 || true)"
supports() { grep -q -- "$1" <<<"$create_help"; }

mkdir -p "$out"
chmod 700 "$out"
ledger="$out/registered-clients.txt"

# Creates one client; prints "client_id<TAB>client_secret".
create_client() {  # name, alias, extra args…
    local name="$1" alias="$2"; shift 2
    local json
    json="$("${cli[@]}" clients create "${config_args[@]}" --name "$name" \
        --redirect-uri "$suite/test/a/$alias/callback" \
        --redirect-uri "$suite/test/a/$alias/callback?dummy1=lorem&dummy2=ipsum" \
        "$@" --json)" || die "\`${cli[*]} clients create\` failed (is the database reachable? --config?)"
    python3 -c 'import json,sys; c=json.loads(sys.argv[1]); print(c["client_id"] + "\t" + (c.get("client_secret") or ""))' "$json"
}

fill() {  # template, output, then NAME=VALUE…
    local template="$1" output="$2"; shift 2
    python3 - "$template" "$output" "$@" <<'PY'
import json, os, string, sys
template, output, *pairs = sys.argv[1:]
values = dict(pair.split("=", 1) for pair in pairs)
text = string.Template(open(template).read()).substitute(values)
json.loads(text)  # stays valid JSON
fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as handle:
    handle.write(text)
PY
}

declare -A aliases=([basic]=basic [config]=config [dynamic]=dynamic [formpost]=formpost [logout]=logout [backchannel]=backchannel)
commands=()
for plan in "${plans[@]}"; do
    name="${plan_names[$plan]}"
    alias="$alias_prefix-${aliases[$plan]}"
    values=(SUITE="$suite" ALIAS="$alias" ISSUER="$issuer" AUTHORIZATION_ENDPOINT="$authorization_endpoint"
            END_SESSION_ENDPOINT="${end_session_endpoint:-$issuer/END-SESSION-ENDPOINT-NOT-IN-DISCOVERY}"
            WECHAT_USER="$user")
    extra=()
    case "$plan" in
        dynamic)
            requires "$plan" "$(holds 'm.get("registration_endpoint")')" "dynamic client registration (registration_endpoint)"
            ;;
        formpost)
            requires "$plan" "$(holds '"form_post" in m.get("response_modes_supported", [])')" "response_mode=form_post (response_modes_supported)"
            ;;
        logout|backchannel)
            requires "$plan" "$([ -n "$end_session_endpoint" ] && echo yes || echo no)" "RP-initiated logout (end_session_endpoint)"
            if supports --post-logout-redirect-uri; then
                extra+=(--post-logout-redirect-uri "$suite/test/a/$alias/post_logout_redirect")
            else
                requires "$plan" no "registering post_logout_redirect_uris ($suite/test/a/$alias/post_logout_redirect) on static clients (\`clients create\` has no such option)"
            fi
            ;;
    esac
    if [ "$plan" = backchannel ]; then
        requires "$plan" "$(holds 'm.get("backchannel_logout_supported") is True')" "back-channel logout (backchannel_logout_supported)"
        if supports --backchannel-logout-uri; then
            extra+=(--backchannel-logout-uri "$suite/test/a/$alias/backchannel_logout")
        else
            requires "$plan" no "registering a backchannel_logout_uri ($suite/test/a/$alias/backchannel_logout) on static clients (\`clients create\` has no such option)"
        fi
    fi
    if [ "$plan" != config ] && [ "$plan" != dynamic ]; then
        for role in CLIENT CLIENT2 CLIENT_POST; do
            IFS=$'\t' read -r id secret < <(create_client "conformance $alias ${role,,}" "$alias" "${extra[@]}")
            [ -n "$secret" ] || die "client $id has no secret"
            values+=("${role}_ID=$id" "${role}_SECRET=$secret")
            printf '%s\t%s\t%s\n' "$id" "$alias" "${role,,}" >>"$ledger"
        done
    fi
    fill "$here/templates/$name.json" "$out/$name.json" "${values[@]}"
    echo "wrote $out/$name.json (alias $alias)"
    commands+=("scripts/run-test-plan.py '$name${plan_variants[$plan]}' $out/$name.json")
done

echo
echo "Registered clients are listed in $ledger (remove them later with \`wechat-oidc clients delete ID\`)."
echo "From a checkout of the conformance suite (CONFORMANCE_SERVER, and CONFORMANCE_TOKEN for a non-local suite):"
for line in "${commands[@]}"; do echo "  $line"; done
