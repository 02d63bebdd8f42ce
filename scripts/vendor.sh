#!/usr/bin/env bash
# Installs the vendored front-end files from the npm registry, with their licences.
#   static/vendor/leaflet.markercluster/  Leaflet.markercluster (MIT), registered in LEAFLET_CONFIG: dist/ and the
#                                         source map and sources it references
#   tests/e2e/vendor/axe-core/            axe-core (MPL-2.0), injected into pages by the accessibility tests
# Leaflet itself and Leaflet.draw come with the django-leaflet Python package.
# Usage: scripts/vendor.sh   (needs npm; the result is committed so that `make run` needs no npm)
set -euo pipefail
cd "$(dirname "$0")/.."

MARKERCLUSTER_VERSION=1.5.3
AXE_VERSION=4.14.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION -> unpacked into $work/NAME/package
  local name=$1 version=$2
  mkdir -p "$work/$name"
  (cd "$work/$name" && npm pack --silent "$name@$version" >/dev/null && tar -xzf ./*.tgz)
}

fetch leaflet.markercluster "$MARKERCLUSTER_VERSION"
dest=static/vendor/leaflet.markercluster
rm -rf "$dest" && mkdir -p "$dest"
src="$work/leaflet.markercluster/package"
# The package's own layout (dist/, src/), with everything the shipped files reference: the minified script
# names its source map (sourceMappingURL), which the production static storage follows and must find, and
# the map names the sources it was built from (../src/).
files=(dist/leaflet.markercluster.js dist/MarkerCluster.css dist/MarkerCluster.Default.css)
map=dist/$(sed -n 's|^//# sourceMappingURL=||p' "$src/dist/leaflet.markercluster.js")
sources=$(node -p "JSON.parse(require('fs').readFileSync('$src/$map')).sources
  .map(s => require('path').posix.join('dist', s)).join(' ')")
files+=("$map" $sources)
for file in "${files[@]}"; do install -D -m 644 "$src/$file" "$dest/$file"; done
install -m 644 "$src/MIT-LICENCE.txt" "$dest/LICENSE.txt"
echo "leaflet.markercluster $MARKERCLUSTER_VERSION (npm registry)" > "$dest/VERSION"

fetch axe-core "$AXE_VERSION"
dest=tests/e2e/vendor/axe-core
rm -rf "$dest" && mkdir -p "$dest"
src="$work/axe-core/package"
cp "$src/axe.min.js" "$dest/"
cp "$src/LICENSE" "$dest/LICENSE.txt"
echo "axe-core $AXE_VERSION (npm registry)" > "$dest/VERSION"

echo "Vendored files installed."
