#!/usr/bin/env bash
# Makes sure Debian's Chromium is at KB_CHROMIUM (default /usr/bin/chromium) for the e2e tests and
# the browser benchmark: installs the `chromium` package with apt-get when it is missing and we run
# as root, otherwise fails with what to do. No browser is ever downloaded from anywhere else.
kb_chromium="${KB_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$kb_chromium" ]; then
  if [ "$(id -u)" = 0 ] && [ "$kb_chromium" = /usr/bin/chromium ]; then
    echo "==> $kb_chromium is missing: installing Debian's chromium package"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  fi
  if [ ! -x "$kb_chromium" ]; then
    echo "Chromium not found at $kb_chromium. Install Debian's package (sudo apt-get install chromium)" \
      "or point KB_CHROMIUM at a Chromium binary." >&2
    exit 1
  fi
fi
export KB_CHROMIUM="$kb_chromium"
