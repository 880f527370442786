"""Regenerate (or --check) dxgk/layout/layouts.json from headers/:
`python -m dxgk.layout.generate`."""

from __future__ import annotations

import json
import sys

from . import CACHE_FILE, build_cache


def render() -> str:
    return json.dumps(build_cache(), indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        current = CACHE_FILE.read_text() if CACHE_FILE.exists() else ""
        if current != text:
            print(f"{CACHE_FILE} is stale: run `make layouts`", file=sys.stderr)
            return 1
        return 0
    CACHE_FILE.write_text(text)
    print(f"wrote {CACHE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
