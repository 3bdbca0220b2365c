#!/usr/bin/env bash
# Builds every example plug-in in another language into OUT_DIR (default
# <repo>/target/examples): Python (componentize-py), JavaScript
# (componentize-qjs) and C (clang's wasm32-wasip2 target). Each language's
# build.sh installs its own toolchain under ${LEADHOST_TOOLS:-<repo>/target/tools}
# the first time and rebuilds only what changed. Every language is tried;
# the ones that failed are named at the end. Then check-rebuild.sh checks
# that building the Python and JS ones again from unchanged sources keeps
# every component's hash.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$(cd "$here/../.." && pwd)/target/examples}"
failed=()
for language in python js c; do
    if ! "$here/$language/build.sh" "$out"; then
        failed+=("$language")
    fi
done
if ((${#failed[@]} > 0)); then
    echo "example plug-ins: the ${failed[*]} build failed (see its message above)" >&2
    exit 1
fi
"$here/check-rebuild.sh" "$out" python js
