#!/bin/sh
# Vendors hls.js (the live page's player) from the npm registry into the application's classes,
# once per build directory: `npm pack` fetches the published package, and its minified bundle
# is copied next to the page that loads it.
set -eu
version="$1"
target="$2"
work="$target/hls.js-$version"
dest="$target/classes/io/foleystream/cli/live"
if [ ! -f "$work/package/dist/hls.min.js" ]; then
  command -v npm >/dev/null || { echo "npm is needed to vendor hls.js $version" >&2; exit 1; }
  mkdir -p "$work"
  (cd "$work" && npm pack --silent "hls.js@$version" >/dev/null && tar xzf "hls.js-$version.tgz")
fi
mkdir -p "$dest"
cp "$work/package/dist/hls.min.js" "$dest/hls.min.js"
cp "$work/package/LICENSE" "$dest/hls.js-LICENSE"
