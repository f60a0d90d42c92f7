"""The README is a short guide and the manual lives in docs/: every relative link in README.md and
docs/*.md names a file (or folder) that exists, a link's #part names a heading of that page, and the
README stays at most 250 lines."""
from __future__ import annotations

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
MAX_README_LINES = 250

# [text](target) and ![alt](target); the target ends at the first space or ')' (a title may follow)
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*```")


def _markdown_files() -> list[str]:
    docs = sorted(os.path.join(DOCS, f) for f in os.listdir(DOCS) if f.endswith(".md"))
    return [os.path.join(ROOT, "README.md")] + docs


def relative_links(text: str) -> list[tuple[int, str]]:
    """(line number, target) of each relative link outside code blocks and inline code."""
    found, fenced = [], False
    for n, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        for m in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
            target = m.group(1)
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("#"):
                continue  # a URL (http:, mailto:) or an anchor in the same file
            found.append((n, target))
    return found


def anchors(text: str) -> set[str]:
    """The #parts a Markdown page's headings answer to, as GitHub makes them: lower case, spaces to
    '-', punctuation dropped, a repeated heading numbered (-1, -2...)."""
    seen: dict[str, int] = {}
    out, fenced = set(), False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def broken_links(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    base = os.path.dirname(path)
    bad = []
    for n, target in relative_links(text):
        file_part, _, part = target.split("?", 1)[0].partition("#")
        where = os.path.normpath(os.path.join(base, file_part))
        if not os.path.exists(where):
            bad.append(f"{os.path.relpath(path, ROOT)}:{n}: {target}")
        elif part and where.endswith(".md"):
            with open(where, encoding="utf-8") as f:
                if part not in anchors(f.read()):
                    bad.append(f"{os.path.relpath(path, ROOT)}:{n}: {target} (no such heading)")
    return bad


def test_every_relative_link_points_at_an_existing_file():
    files = _markdown_files()
    assert len(files) > 5  # README.md and the guides in docs/
    bad = [b for f in files for b in broken_links(f)]
    assert not bad, "links to files that do not exist:\n" + "\n".join(bad)


def test_the_link_check_sees_links_and_catches_a_broken_one(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# Part\n")
    page.write_text("[ok](there.md#part) ![pic](missing.png) [web](https://example.org) [a](#top)\n"
                    "`[code](nowhere.md)`\n```\n[fenced](nowhere.md)\n```\n")
    assert relative_links(page.read_text()) == [(1, "there.md#part"), (1, "missing.png")]
    assert broken_links(str(page)) == [f"{os.path.relpath(str(page), ROOT)}:1: missing.png"]


def test_a_link_to_a_missing_heading_is_caught(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# The Set-up, step by step\n## Twice\n## Twice\n```\n# Fenced\n```\n")
    assert anchors((tmp_path / "there.md").read_text()) == {"the-set-up-step-by-step", "twice", "twice-1"}
    page.write_text("[a](there.md#the-set-up-step-by-step) [b](there.md#twice-1) [c](there.md#fenced)\n")
    assert broken_links(str(page)) == [f"{os.path.relpath(str(page), ROOT)}:1: there.md#fenced (no such heading)"]


def test_the_readme_links_the_guides_and_stays_short():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    assert len(text.splitlines()) <= MAX_README_LINES
    linked = {os.path.normpath(t.split("#")[0]) for _, t in relative_links(text)}
    guides = {os.path.join("docs", f) for f in os.listdir(DOCS) if f.endswith(".md")}
    assert guides <= linked, f"guides the README does not link: {sorted(guides - linked)}"


def test_the_readme_opens_with_the_two_set_up_commands():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        head = f.read().splitlines()[:6]
    assert head[2] == "```bash"
    assert head[3].startswith("bash scripts/setup.sh && .venv/bin/python main.py ")
    assert head[4].startswith("bash scripts/setup.sh && .venv/bin/python -m pytest ")
    assert head[5] == "```"


def test_no_merge_markers_are_left_in_the_docs():
    import glob
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for path in [os.path.join(root, "README.md"), *glob.glob(os.path.join(root, "docs", "*.md"))]:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        assert not [l for l in lines if l.startswith(("<<<<<<< ", ">>>>>>> ")) or l == "======="], path


def test_the_pages_say_the_facts_the_code_has():
    """README's template count and family list, architecture.md's room figures: as the code has them."""
    from scripts import doc_facts
    known = doc_facts.facts()
    assert int(known["templates"]) >= 1 and int(known["families_count"]) >= 1
    bad = doc_facts.stale(known)
    assert not bad, "run `python -m scripts.doc_facts`:\n" + "\n".join(bad)


def test_the_fact_check_catches_a_stale_fact_and_rewrites_it(tmp_path):
    from scripts import doc_facts
    text = "We ship <!-- fact:templates -->21<!-- /fact --> templates."
    assert doc_facts.rewrite(text, {"templates": "31"}) == "We ship <!-- fact:templates -->31<!-- /fact --> templates."
    import pytest
    with pytest.raises(KeyError):
        doc_facts.rewrite("<!-- fact:nothing -->1<!-- /fact -->", {"templates": "31"})


def test_every_template_is_listed_in_the_templates_guide():
    import glob
    with open(os.path.join(DOCS, "templates.md"), encoding="utf-8") as f:
        guide = f.read()
    names = [os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(ROOT, "assets", "graphs", "*.json"))]
    missing = [n for n in names if f"`{n}`" not in guide and n != "demo"]
    assert not missing, f"templates the guide does not list: {missing}"


# -- the family how-to (docs/architecture.md "How to add a video model family") against the code ----------------
LIST = re.compile(r"<!-- list:([a-z_]+) -->(.*?)<!-- /list -->", re.S)


def doc_lists(text: str) -> dict[str, list[str]]:
    """Each ``<!-- list:name -->`` of a page: the names it gives, in order (a bullet's leading `name`, or every
    `name` of a list written as one sentence)."""
    out = {}
    for m in LIST.finditer(text):
        body = m.group(2)
        bullets = re.findall(r"^\s*- `([A-Za-z_]+)`", body, re.M)
        out[m.group(1)] = bullets if bullets else re.findall(r"`([A-Za-z_]+)`", body)
    return out


def _architecture_lists() -> dict[str, list[str]]:
    with open(os.path.join(DOCS, "architecture.md"), encoding="utf-8") as f:
        return doc_lists(f.read())


def family_methods() -> set[str]:
    """The public methods (and properties) of base/family.py's Family: what a family may override or read."""
    import inspect

    from nodes.video_models.base.family import Family
    return {n for n, v in vars(Family).items()
            if not n.startswith("_") and (inspect.isfunction(v) or isinstance(v, property))}


def list_against_code(said: list[str], code: set[str]) -> list[str]:
    """What a doc list gets wrong against the code's names: each name listed twice, each name of the code it lacks,
    each name it gives that the code lacks, in words."""
    out = [f"listed twice: {n}" for n in sorted({n for n in said if said.count(n) > 1})]
    out += [f"not in the doc: {n}" for n in sorted(code - set(said))]
    return out + [f"not in the code: {n}" for n in sorted(set(said) - code)]


def test_the_family_how_to_lists_every_hook_of_family():
    """Every public method of Family is in the how-to, as a hook (overridden by a family, its default doing
    nothing or the generic thing) or as one of the readers of the fields, once; no name the code lacks."""
    lists = _architecture_lists()
    hooks, readers = lists.get("family_hooks", []), lists.get("family_readers", [])
    assert hooks and readers, "architecture.md lost its family_hooks / family_readers lists"
    bad = list_against_code(hooks + readers, family_methods())
    assert not bad, "docs/architecture.md's family_hooks / family_readers against base/family.py's Family:\n" + \
        "\n".join(bad)


def test_the_family_how_to_lists_every_capability_kind():
    """Every kind of base.capabilities.KINDS has its line in the how-to, and the how-to names no kind the code
    lacks."""
    from nodes.video_models.base.capabilities import KINDS
    bad = list_against_code(_architecture_lists().get("capabilities", []), {k.__name__ for k in KINDS})
    assert not bad, "docs/architecture.md's capabilities list against base/capabilities.py's KINDS:\n" + "\n".join(bad)


def test_the_list_reader_sees_bullets_and_a_sentence():
    text = ("<!-- list:a -->\n- `one`: x\n- `two`: y `not_this`\n<!-- /list -->\n"
            "<!-- list:b -->`three`, `four`<!-- /list -->")
    assert doc_lists(text) == {"a": ["one", "two"], "b": ["three", "four"]}


def test_a_new_hook_or_kind_without_its_doc_line_is_named():
    assert list_against_code(["call_args", "gone", "call_args"], {"call_args", "new_hook"}) == [
        "listed twice: call_args", "not in the doc: new_hook", "not in the code: gone"]
    assert list_against_code(["PartReader"], {"PartReader", "Cost"}) == ["not in the doc: Cost"]
