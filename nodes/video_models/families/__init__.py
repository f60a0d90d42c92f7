"""Every video model family, one folder each (how its files are recognised, its configs from shapes,
part files and layouts, pipeline, LoRA key names, its own nodes). A family (its ``family.py``'s
``FAMILY``) registers itself here with one line; generic code finds it through ``base.registry``,
never by importing a family module.

How to add a family: make its folder ``families/<key>/`` with a ``family.py`` whose ``FAMILY`` fills
in ``base.family.Family`` (its pipelines per task, frame and size rules, ``recogniser``: how its
files are told from their headers, with ``key_patterns`` and ``key_rank`` for the looser names, the
``part_titles`` of the encoders it uses, converters, what its pipelines cannot make
(``refuse_call``)), and its capabilities (base/capabilities.py): in ``has`` an object of each kind it
provides (its part reader, prompt recipe, what a resume keeps, its VAE's time tiles, previews, LoRA
training, a condition pipeline, point tracks, a modular pipeline, two experts, context windows,
draft recipes, LoRA names...), keyed by its own diffusers classes, and in ``lacks`` why not for each other kind of
``capabilities.KINDS`` (tests/video_models/test_family_capabilities.py checks both); register it below with one line, or leave it to ``_discover`` (the
folders not named below, by folder name, after them); and add a tiny test builder (a tiny diffusers
folder, as tests/video_models/tiny*.py build theirs) so tests/video_models/test_one_recogniser.py can
check the picker and the loader agree on its files. Where ComfyUI has nodes for it, its ``comfy.py``'s
``MAPPING`` (a ``studio.convert.api.ComfyMapping``: its node types and what each means in Studio's terms,
importing stdlib-only modules) is found by the converter's discovery, with no line here. Generic code
learns of it from the registry alone: nothing outside its folder changes."""
from __future__ import annotations

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
    """Every other family folder (one with a ``family.py`` naming a ``FAMILY``, or ``FAMILIES`` for several),
    registered after the ones above in folder-name order: a new family needs no line here."""
    import importlib
    import importlib.util
    import pkgutil
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        name = f"{__name__}.{info.name}.family"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            mod = importlib.import_module(name)
            for fam in getattr(mod, "FAMILIES", ()) or (getattr(mod, "FAMILY", None),):
                if fam is not None:
                    register(fam)


_discover()
