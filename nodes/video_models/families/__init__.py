"""Every video model family, one folder each (how its files are recognised, its configs from shapes,
part files and layouts, pipeline, LoRA key names, its own nodes). A family (its ``family.py``'s
``FAMILY``) registers itself here with one line; generic code finds it through ``base.registry``,
never by importing a family module."""
from __future__ import annotations

from ..base.registry import register
from .animatediff import family as animatediff
from .cogvideox import family as cogvideox
from .hunyuan import family as hunyuan
from .hunyuan15 import family as hunyuan15
from .ltx import family as ltx
from .ltx2 import family as ltx2
from .skyreels import family as skyreels
from .svd import family as svd
from .wan import family as wan

register(svd.FAMILY)
register(wan.FAMILY)
register(ltx.FAMILY)
register(ltx2.FAMILY)
register(cogvideox.FAMILY)
register(animatediff.FAMILY)
register(hunyuan15.FAMILY)
register(hunyuan.FAMILY)
register(skyreels.FAMILY, forcing=skyreels.FORCING)
