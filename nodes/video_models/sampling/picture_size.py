"""A generator's 'size_rule': the take's size worked out from its picture when it runs, as the resizes a ComfyUI
workflow sizes its take by do (a picture loaded, fitted keeping its aspect, measured, the latent given that size),
by the very rules Studio's Scale fits a picture by (nodes/images.py scaled_size, nodes/edit/scale_round.py):
'as set' (the default: 'width' and 'height' as they are, 0 the picture's own size: saved graphs make the same
frames); 'within': the picture's aspect scaled (up or down) to the largest size inside 'width' x 'height', to the
nearest pixel (a 0 side follows the other's scale), as KJNodes' ImageResizeKJv2 keep_proportion 'resize', Essentials'
ImageResize+ 'keep proportion', ImageScaleToMaxDimension fit theirs; 'within, down': the same, each side rounded
down (ResizeImagesByLongerEdge); 'pixels': the picture's aspect at an area of 'megapixels' x 1024 x 1024 pixels
(ComfyUI's ImageScaleToTotalPixels). Each side then brought to a multiple of 'size_multiple' by 'size_rounding'
(Scale's roundings: 'down' as KJNodes' divisible_by, 'nearest, even' as ImageScaleToTotalPixels' resolution_steps).
The family's own multiple is applied after, as for any size (generators.output_size). Plain Python."""
from __future__ import annotations

from types import SimpleNamespace

from studio.core.params import Choice, Float, Int

from nodes.edit.scale_round import ROUNDINGS

RULES = ("as set", "within", "within, down", "pixels")
WORDS = {"down": "rounded down to a", "nearest": "rounded to the nearest", "nearest, even": "rounded to the nearest "
         "(a half to the even)", "up": "rounded up to a"}

PARAMS = (Choice("size_rule", "as set", choices=RULES,
                 help="how the take's size is worked out from its picture when it runs: 'as set' (width and height as "
                      "they are; 0: the picture's size), 'within' (the largest size of the picture's aspect inside "
                      "width x height, scaled up or down, to the nearest pixel; a 0 side follows the other), 'within, "
                      "down' (the same, rounded down), 'pixels' (the picture's aspect at 'megapixels')"),
          Float("megapixels", 1.0, min=0.0001, max=64.0,
                help="size_rule 'pixels': the take's area, in units of 1024 x 1024 pixels"),
          Int("size_multiple", 1, min=1, max=512, help="size_rule 'within' or 'pixels': each side brought to a multiple "
                                                       "of this (1: a whole pixel)"),
          Choice("size_rounding", "down", choices=ROUNDINGS,
                 help="size_rule 'within' or 'pixels': how each side is brought to the multiple, as Scale's 'rounding'"))


def worked(rule: str, picture: tuple[int, int], width: int, height: int, megapixels: float = 1.0,
           multiple: int = 1, rounding: str = "down") -> tuple[int, int]:
    """(width, height) ``rule`` works out of a ``picture`` (width, height), as Studio's Scale would size it;
    'as set': ``width`` and ``height``."""
    if rule not in RULES[1:] or min(picture) <= 0:
        return width, height
    from nodes.images import scaled_size  # (Scale's own rule: one copy)
    area = rule == "pixels"
    p = SimpleNamespace(fit="area" if area else rule, width=1024 if area else width, height=1024 if area else height,
                        scale=megapixels if area else 1.0, multiple=max(1, multiple), rounding=rounding,
                        condition="always")
    return scaled_size(picture[0], picture[1], p)


def size_of(ctx, width: int, height: int, like: tuple[int, int] | None) -> tuple[int, int]:
    """The width and height a generator's params ask for its picture of size ``like`` (its 'size_rule', where it
    declares one: said as information where it works one out); ``width``, ``height`` as they are otherwise. A rule
    with no picture to size the take by is said (a warning) and the size left as set."""
    p = ctx.params
    rule = getattr(p, "size_rule", "as set")
    if rule == "as set":
        return width, height
    if not like or min(like) <= 0:
        ctx.warn(f"size_rule '{rule}' is not applied: no picture is connected to work the take's size out from, so "
                 "width and height are used as set")
        return width, height
    w, h = worked(rule, like, width, height, p.megapixels, p.size_multiple, p.size_rounding)
    how = (f"at {p.megapixels:g} megapixels" if rule == "pixels" else
           f"fitted within {width or 'any'}x{height or 'any'}" + (", rounded down" if rule == "within, down" else ""))
    many = f", each side {WORDS[p.size_rounding]} multiple of {p.size_multiple}" if p.size_multiple > 1 else ""
    ctx.info(f"size_rule {rule}: the take is {w}x{h}, the picture's {like[0]}x{like[1]} {how} keeping its "
             f"aspect{many}")
    return w, h
