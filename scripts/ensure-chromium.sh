#!/usr/bin/env bash
# The HTML report test renders the report in headless Chromium (Debian's package).
# Installs it when missing and we can (root with apt-get); otherwise says how.
set -euo pipefail
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$name" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the HTML report test…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "The HTML report test needs Chromium: sudo apt-get install -y chromium" >&2
fi
