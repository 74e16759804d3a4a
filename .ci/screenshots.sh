#!/usr/bin/env bash
# Writes screenshots of the bundled handbook for a person to look at (make screenshots):
# the top page and a long page on a desktop and a phone, light and dark, the search page
# on a phone, a page of the EPUB at phone width and the print edition. Not run by the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
out=testdata/screenshots
mkdir -p "$out"
tmp=$(mktemp -d /tmp/kb-screenshots-XXXXXX)
host_pid=""
cleanup() {
  if [ -n "$host_pid" ]; then kill "$host_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

bin/kb build --source . --out "$tmp/public" >/dev/null
bin/kb host "$tmp/public" --addr 127.0.0.1:0 >"$tmp/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 50); do
  url=$(grep -o 'http://[^ ]*/' "$tmp/host.log" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "kb host did not start" >&2; cat "$tmp/host.log" >&2; exit 1; }

shot() { # file width height url [extra chromium flags]
  local file=$1 width=$2 height=$3 page=$4
  shift 4
  /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$tmp/chromium" --virtual-time-budget=3000 \
    --window-size="$width,$height" --screenshot="$out/$file" "$@" "$page" 2>/dev/null
  echo "$out/$file"
}
dark=(--force-dark-mode --blink-settings=preferredColorScheme=0)
long="${url}08-incident-bcp/first-response/index.html"

shot desktop.png 1280 900 "${url}index.html"
shot phone.png 390 844 "$long"
shot desktop-long-dark.png 1280 900 "$long" "${dark[@]}"
shot phone-dark.png 390 844 "${url}annex/glossary/index.html" "${dark[@]}"
shot phone-search.png 390 844 "${url}search/index.html?q=%E3%83%90%E3%83%83%E3%82%AF%E3%82%A2%E3%83%83%E3%83%97"
shot print.png 1000 1200 "${url}print/index.html"
mkdir -p "$tmp/epub"
(cd "$tmp/epub" && unzip -q "$tmp/public/handbook.epub")
shot epub-phone-cover.png 390 844 "file://$tmp/epub/EPUB/xhtml/cover.xhtml"
# A tall window instead of a fragment: Chromium's --screenshot draws nothing after a fragment jump.
shot epub-phone-table.png 390 2600 "file://$tmp/epub/EPUB/xhtml/p-annex_templates.xhtml"
