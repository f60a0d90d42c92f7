"""Every shipped template is on a shelf of the template browser: the one its file declares
(``ui.template.category``) or the one studio/core/template_categories.py lists; a new template must be given
one, or it lands under 'Other'. One place each: a template that declares its shelf is not listed too."""
import json
import os

from studio.core.template_categories import CATEGORY, ORDER, OTHER, category_of

from .test_templates import GRAPHS, templates


def declared(name: str):
    with open(os.path.join(GRAPHS, name + ".json"), encoding="utf-8") as f:
        return json.load(f)["ui"]["template"].get("category")


def test_every_template_is_on_a_named_shelf_and_every_shelf_is_known():
    names = templates()
    said = {n: declared(n) for n in names}
    assert [n for n in names if category_of(n, said[n]) == OTHER] == []
    assert set(CATEGORY.values()) <= set(ORDER) and set(CATEGORY) <= set(names)
    assert {c for c in said.values() if c is not None} <= set(ORDER)
    assert [n for n, c in said.items() if c is not None and n in CATEGORY] == []


def test_a_declared_shelf_wins_and_an_unknown_one_is_not_taken():
    assert category_of("my_own", "Train") == "Train"
    assert category_of("image_to_video", "no such shelf") == CATEGORY["image_to_video"]
    assert category_of("my_own") == OTHER
