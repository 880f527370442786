"""Every citation points into the behaviour guide, docs/behaviour.md, at a section that
exists there; nothing user-facing cites the project's internal contract (SPEC.md), which
is not part of the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "behaviour.md"
CITE = re.compile(r"docs/behaviour\.md(?:\)|\])?,? (?:§|sections? )?(\d+(?:\.\d+)?)"
                  r"(?:(?: to |-)(\d+))?")
LINK = re.compile(r"\(docs/behaviour\.md#([a-z0-9-]+)\)")


def _sections() -> set[str]:
    found = set()
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"#{2,3} (\d+(?:\.\d+)?)\.? ", line)
        if m:
            found.add(m.group(1))
    return found


def _anchors() -> set[str]:
    out = set()
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^a-z0-9 -]", "", title).replace(" ", "-"))
    return out


def _user_facing() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "dxgk").rglob("*.py")),
             *sorted((ROOT / "dxgk" / "core").glob("*.[ch]")),
             *sorted((ROOT / "headers").glob("*.h")), *sorted((ROOT / "examples").glob("*"))]
    return [f for f in files if f.is_file()]


def test_the_guide_has_sections_one_to_eight():
    assert {str(n) for n in range(1, 9)} <= _sections()


def test_every_citation_names_a_section_of_the_guide():
    sections = _sections()
    bad = []
    for f in _user_facing():
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            for m in CITE.finditer(line):
                for sec in filter(None, m.groups()):
                    if sec not in sections:
                        bad.append(f"{f.relative_to(ROOT)}:{n}: section {sec}")
    assert not bad, bad


def test_every_readme_link_into_the_guide_resolves():
    anchors = _anchors()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = LINK.findall(text)
    assert links
    assert [a for a in links if a not in anchors] == []


def test_nothing_user_facing_cites_spec_md():
    word = re.compile(r"\bSPEC\b")
    hits = [f"{f.relative_to(ROOT)}:{n}" for f in _user_facing()
            for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
            if word.search(line)]
    assert hits == []
