#!/usr/bin/env sh
# Copy the front-end libraries installed by `npm ci` into a static vendor folder.
# One list for `make assets` and the Dockerfile. Usage: scripts/copy_vendor_assets.sh DEST
# The .map files come along: production static storage follows sourceMappingURL references.
set -eu
dest=${1:?usage: copy_vendor_assets.sh DEST}
nm=node_modules
rm -rf "$dest"
mkdir -p "$dest/bootstrap" "$dest/bootstrap-icons" "$dest/htmx" "$dest/inter/files" "$dest/sortablejs" "$dest/chartjs"
cp "$nm"/bootstrap/dist/css/bootstrap.min.css* "$nm"/bootstrap/dist/js/bootstrap.bundle.min.js* "$dest/bootstrap/"
cp -r "$nm"/bootstrap-icons/font/bootstrap-icons.min.css "$nm"/bootstrap-icons/font/fonts "$dest/bootstrap-icons/"
cp "$nm"/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp "$nm"/sortablejs/Sortable.min.js "$dest/sortablejs/"
cp "$nm"/chart.js/dist/chart.umd.min.js* "$dest/chartjs/"
# Inter (variable, normal style): Latin and Cyrillic, since many users write Russian.
cp "$nm"/@fontsource-variable/inter/index.css "$dest/inter/inter.css"
cp "$nm"/@fontsource-variable/inter/files/inter-*-wght-normal.woff2 "$dest/inter/files/"
