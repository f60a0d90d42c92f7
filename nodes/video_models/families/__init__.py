"""Every video model family, one folder each (how its files are recognised, its configs from shapes,
part files and layouts, pipeline, LoRA key names, its own nodes). A family (its ``family.py``'s
``FAMILY``) is registered here, by a line or by discovery; generic code finds it through ``base.registry``,
never by importing a family module.

How to add a family: make its folder ``families/<key>/`` with a ``family.py`` whose ``FAMILY`` fills
in ``base.family.Family`` (its pipelines per task, frame and size rules, ``recogniser``: how its
files are told from their headers, with ``key_patterns`` and ``key_rank`` for the looser names, the
``part_titles`` of the encoders it uses, converters, what its pipelines cannot make
(``refuse_call``)), and its capabilities (base/capabilities.py): in ``has`` an object of each kind it
provides (its part reader, prompt recipe, what a resume keeps, its VAE's time tiles, previews, LoRA
training, a condition pipeline, point tracks, a modular pipeline, two experts, context windows,
draft recipes, LoRA names...), keyed by its own diffusers classes, and in ``lacks`` why not for each other kind of
``capabilities.KINDS`` (tests/video_models/test_family_capabilities.py checks both); it is found by
discovery (no line here); and add a tiny test builder (a tiny diffusers folder, as tests/video_models/tiny*.py
build theirs, declared by the module's ``TINY`` literal: no line in tests/tiny_models.py) so
tests/video_models/test_one_recogniser.py can check the picker and the loader agree on its files. Where ComfyUI has nodes for it, its ``comfy.py``'s
``MAPPING`` (a ``studio.convert.api.ComfyMapping``: its node types and what each means in Studio's terms,
importing stdlib-only modules) is found by the converter's discovery, with no line here. Generic code
learns of it from the registry alone: nothing outside its folder changes.

A folder not named below is found (``_discover``): its ``family.py``'s ``FAMILIES`` (several families of
one folder) or ``FAMILY`` is registered after the named ones, folders in name order, so a new family needs
no line here. The named ones keep their order (the picker's, and the registry's among equal ranks)."""
from __future__ import annotations

import importlib
import pkgutil

from ..base.registry import FAMILIES as _REGISTERED
from ..base.registry import register
from .animatediff import family as animatediff
from .cogvideox import family as cogvideox
from .cosmos import family as cosmos
from .helios import family as helios
from .helios import pyramid as helios_pyramid
from .framepack import family as framepack
from .hunyuan import family as hunyuan
from .hunyuan15 import family as hunyuan15
from .hunyuan_skyreels import family as hunyuan_skyreels
from .kandinsky5 import family as kandinsky5
from .kandinsky6 import family as kandinsky6
from .ltx import family as ltx
from .ltx2 import family as ltx2
from .lucy import family as lucy
from .minimax_h3 import family as minimax_h3
from .mochi import family as mochi
from .motif_video import family as motif_video
from .sana_video import family as sana_video
from .skyreels import family as skyreels
from .svd import family as svd
from .wan import family as wan
from .wan_s2v import family as wan_s2v
from .wan_animate2 import family as wan_animate2
from .wan_scail import family as wan_scail

register(svd.FAMILY)
register(wan.FAMILY)
register(wan_s2v.FAMILY)
register(wan_scail.FAMILY)
register(ltx.FAMILY)
register(ltx2.FAMILY)
register(cogvideox.FAMILY)
register(animatediff.FAMILY)
register(hunyuan15.FAMILY)
register(hunyuan.FAMILY)
register(skyreels.FAMILY, forcing=skyreels.FORCING)
register(kandinsky5.FAMILY)
register(lucy.FAMILY)
register(minimax_h3.FAMILY)
register(wan_animate2.FAMILY)
for _cosmos in cosmos.FAMILIES:  # Cosmos 1.0, Predict2, Predict2.5: one folder (families/cosmos)
    register(_cosmos)
register(helios.FAMILY)
register(helios_pyramid.FAMILY)
register(mochi.FAMILY)
register(kandinsky6.FAMILY)
register(hunyuan_skyreels.FAMILY)
register(framepack.FAMILY)
register(sana_video.FAMILY)
register(motif_video.FAMILY)


def _discover() -> None:
    """Register the families of every folder not registered above (module docstring)."""
    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not m.ispkg:
            continue
        name = f"{__name__}.{m.name}.family"
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:  # a folder of shared helpers, no family of its own
                continue
            raise
        fams = getattr(mod, "FAMILIES", None) or (getattr(mod, "FAMILY", None),)
        for fam in fams:
            if fam is not None and fam.key not in _REGISTERED:
                register(fam, forcing=getattr(mod, "FORCING", None))


_discover()
