#!/usr/bin/env bash
# Builds the sdist and the wheel, installs each into its own clean venv outside the
# source tree, and runs the installed package there (--version, the demo, a layout):
# what a user gets from `pip install` is what this checks, not the checkout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/build-env"
"$work/build-env/bin/python" -m pip install -q --upgrade pip build
"$work/build-env/bin/python" -m build -q -o "$work/dist" "$root" > "$work/build.log" 2>&1 \
    || { cat "$work/build.log"; exit 1; }
# setuptools' own complaints (deprecated configuration, data outside any package, ...)
if grep -Ei "SetuptoolsDeprecationWarning|absent from the .packages. configuration|Warning: " \
        "$work/build.log" | grep -v "byte-compiling is disabled"; then
    echo "check_dist: the build printed the setuptools warnings above"; exit 1
fi
for kind in sdist wheel; do
    case $kind in
        sdist) artefact=$(ls "$work"/dist/*.tar.gz) ;;
        wheel) artefact=$(ls "$work"/dist/*.whl) ;;
    esac
    "$python" -m venv "$work/$kind"
    "$work/$kind/bin/python" -m pip install -q --upgrade pip
    "$work/$kind/bin/python" -m pip install -q "$artefact" > "$work/$kind.log" 2>&1 \
        || { cat "$work/$kind.log"; exit 1; }
    (cd "$work" && "$work/$kind/bin/python" -m dxgk --version \
        && "$work/$kind/bin/python" -m dxgk demo > "$work/$kind-demo.txt" \
        && "$work/$kind/bin/python" -m dxgk layout DXGK_PTE > /dev/null)
    echo "check_dist: $(basename "$artefact") installs and runs ($(wc -l < "$work/$kind-demo.txt") demo lines)"
done
