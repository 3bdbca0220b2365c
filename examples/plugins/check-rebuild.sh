#!/usr/bin/env bash
# Fails when building the example plug-ins again from unchanged sources would
# change a component's hash. The host treats every new hash as a new version
# (its history, rollbacks and decision provenance are by hash), so "same
# source, same hash" must hold for what build.sh hands out.
#
#   examples/plugins/check-rebuild.sh OUT_DIR LANGUAGE...     (python, js)
#
# componentize-py 0.25.1 and componentize-qjs 0.4.5 snapshot a running
# interpreter whose build-time random seeds and clock readings end up in the
# bytes (README.md of each language says more), so two real builds always
# differ. What keeps the hash is that each build.sh rebuilds only when the
# content of an input changed. This check gives every source file a new time,
# as a fresh checkout or an editor's save does, builds again and compares
# every component's sha256 with the one before.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:?usage: check-rebuild.sh OUT_DIR LANGUAGE...}"
shift

# The sources each language's components are built from (not the WIT: the
# host's Rust build embeds it, and a new time there would recompile the host).
sources() {
    case "$1" in
        python) find "$here/python" "$repo/sdk/python" -name '*.py' -not -path '*/bindings/*' ;;
        js) find "$here/js" "$repo/sdk/js" -name '*.js' -not -path '*/node_modules/*' ;;
        *) echo "check-rebuild: no sources known for $1" >&2; return 1 ;;
    esac
}

status=0
for language in "$@"; do
    before="$(cd "$out" && sha256sum "$language"-*.wasm 2>/dev/null)"
    if [[ -z "$before" ]]; then
        echo "check-rebuild: no $language-*.wasm in $out to compare" >&2
        status=1
        continue
    fi
    sources "$language" | xargs touch -c || status=1
    if ! "$here/$language/build.sh" "$out" >/dev/null 2>&1; then
        echo "check-rebuild: the $language build failed on the second run" >&2
        status=1
        continue
    fi
    after="$(cd "$out" && sha256sum "$language"-*.wasm)"
    if [[ "$before" != "$after" ]]; then
        echo "check-rebuild: rebuilding unchanged $language sources changed a hash:" >&2
        diff <(echo "$before") <(echo "$after") | sed -n 's/^[<>] /  /p' >&2
        status=1
    else
        echo "check-rebuild: $language components keep their hashes ($(wc -l <<<"$after") checked)"
    fi
done
exit "$status"
