#!/usr/bin/env bash
# Installs what the network tests need beyond Node: iptables (the silent-drop test adds a
# DROP rule inside a throw-away network namespace) and openssl (test certificates).
# Idempotent and quick when everything is present; a no-op without root or apt-get
# (the tests then skip with a message saying what is missing).
set -euo pipefail

missing=()
command -v iptables >/dev/null 2>&1 || [ -x /usr/sbin/iptables ] || missing+=(iptables)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || missing+=(iproute2)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-setup: missing ${missing[*]} (need root and apt-get to install); network tests will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "ci-setup: installed ${missing[*]}"
