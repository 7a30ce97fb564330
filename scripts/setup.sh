#!/usr/bin/env bash
# npm run setup: install the npm dependencies and make sure Verilator is there.
# Verilator comes from the OS package manager; where this script cannot install it, it says what to run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

need_verilator() {
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get install -y -qq verilator g++ make
      return
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo apt-get update -qq && sudo apt-get install -y -qq verilator g++ make
      return
    fi
    echo "setup: Verilator is missing. Run:  sudo apt-get install -y verilator g++ make   then  npm run setup  again." >&2
  elif command -v brew >/dev/null 2>&1; then
    brew install verilator
    return
  else
    echo "setup: Verilator is missing and no apt-get or brew was found: install Verilator 5 from your OS packages or https://verilator.org, then run npm run setup again." >&2
  fi
  exit 1
}

command -v verilator >/dev/null 2>&1 || need_verilator
version=$(verilator --version | awk '{print $2}')
case "$version" in
  [5-9].*) ;;
  *) echo "setup: warning: Verilator $version found; spinbit is tested with 5.x" >&2 ;;
esac
echo "setup: ok — node $(node --version), Verilator $version, YoWASP yosys/nextpnr from npm (no native EDA install needed)"
