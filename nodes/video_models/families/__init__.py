"""Every video model family, one folder each (how its files are recognised, its configs from shapes,
part files and layouts, pipeline, LoRA key names, its own nodes). A family registers itself here with
one line; generic code finds it through ``base.registry``, never by importing a family module."""
from __future__ import annotations

from ..base.registry import register
from . import animatediff, cogvideox, hunyuan, hunyuan15, ltx, ltx2, skyreels, svd, wan

register(svd.FAMILY)
register(wan.FAMILY)
register(ltx.FAMILY)
register(ltx2.FAMILY)
register(cogvideox.FAMILY)
register(animatediff.FAMILY)
register(hunyuan15.FAMILY)
register(hunyuan.FAMILY)
register(skyreels.FAMILY, forcing=skyreels.FORCING)
