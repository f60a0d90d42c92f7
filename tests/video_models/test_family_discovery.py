"""A family folder not named in families/__init__.py is registered by its discovery, after the named ones, and a
tiny builder declared in its module (TINY) is in tests/tiny_models.py's BUILDERS: a new family needs neither
shared file edited (issue 72)."""
from __future__ import annotations

import os


def test_a_family_folder_not_named_in_the_registry_file_is_registered():
    import nodes.video_models.families as families
    from nodes.video_models.base.registry import FAMILIES, register
    with open(os.path.join(os.path.dirname(families.__file__), "__init__.py"), encoding="utf-8") as f:
        named = f.read()
    found = [k for k in ("easyanimate", "allegro", "chronoedit") if k in FAMILIES]
    assert found == ["easyanimate", "allegro", "chronoedit"] and not any(f"from .{k} " in named for k in found)
    keys = list(FAMILIES)
    assert keys.index("chronoedit") > keys.index("motif_video")  # after the named ones
    fam = FAMILIES["allegro"]
    assert register(fam) is fam and list(FAMILIES) == keys  # the same family again: nothing


def test_a_tiny_builder_declared_in_its_module_is_a_builder():
    from tests.tiny_models import BUILDERS, _declared
    declared = _declared()
    assert declared["allegro"] == ("tests.video_models.tiny_allegro", "build_allegro", {})
    assert all(BUILDERS[k] == v for k, v in declared.items() if k in ("easyanimate", "allegro", "chronoedit"))
