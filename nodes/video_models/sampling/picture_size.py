"""A generator's 'size_rule': the take's size worked out from its picture when it runs, as the resizes a ComfyUI
workflow sizes its take by do (a picture loaded, fitted keeping its aspect, measured, the latent given that size):
'as set' (the default: 'width' and 'height' as they are, 0 the picture's own size: saved graphs make the same
frames); 'within': the picture's aspect scaled (up or down) to fit within 'width' x 'height' (a 0 side leaves that
side to the other's scale; both 0: the picture's own size), as KJNodes' ImageResizeKJv2 keep_proportion 'resize' and
Essentials' ImageResize+ 'keep proportion' fit theirs; 'pixels': the picture's aspect at an area of 'megapixels'
x 1024 x 1024 pixels, as ComfyUI's ImageScaleToTotalPixels. Each side is then brought to a multiple of
'size_multiple' by 'size_rounding': 'down' (to a whole pixel by Python's round, then down to the multiple: KJNodes'
divisible_by), 'nearest' (round(side / multiple) x multiple: ImageScaleToTotalPixels' resolution_steps), 'floor'
(cut down to the multiple: KJNodes' 'total_pixels', int() of each side). The family's own multiple is applied after,
as for any size (generators.output_size). Plain Python."""
from __future__ import annotations

from studio.core.params import Choice, Float, Int

RULES = ("as set", "within", "pixels")
ROUNDINGS = ("down", "nearest", "floor")
MAX_SIDE = 16384
WORDS = {"down": "rounded down to a", "nearest": "rounded to the nearest", "floor": "cut down to a"}

PARAMS = (Choice("size_rule", "as set", choices=RULES,
                 help="how the take's size is worked out from its picture when it runs: 'as set' (width and height as "
                      "they are; 0: the picture's size), 'within' (the picture's aspect fitted within width x height, "
                      "scaled up or down; a 0 side follows the other), 'pixels' (the picture's aspect at 'megapixels')"),
          Float("megapixels", 1.0, min=0.0001, max=64.0,
                help="size_rule 'pixels': the take's area, in units of 1024 x 1024 pixels"),
          Int("size_multiple", 1, min=1, max=512, help="size_rule 'within' or 'pixels': each side brought to a multiple "
                                                       "of this (1: a whole pixel)"),
          Choice("size_rounding", "down", choices=ROUNDINGS,
                 help="size_rule 'within' or 'pixels': 'down' (to a whole pixel, then down to the multiple), 'nearest' "
                      "(the nearest multiple), 'floor' (cut down to the multiple)"))


def _exact(rule: str, w: int, h: int, width: int, height: int, megapixels: float) -> tuple[float, float]:
    """The size ``rule`` gives a ``w`` x ``h`` picture, unrounded."""
    if rule == "pixels":
        s = (megapixels * 1024 * 1024 / (w * h)) ** 0.5
        return w * s, h * s
    if width and height:
        r = min(width / w, height / h)
    elif width or height:
        r = width / w if width else height / h
    else:
        r = 1.0
    return w * r, h * r


def _to(x: float, m: int, how: str) -> int:
    """``x`` brought to a multiple of ``m`` (never under ``m``)."""
    if how == "nearest":
        k = round(x / m)
    elif how == "floor":
        k = int(x) // m
    else:
        k = round(x) // m
    return min(MAX_SIDE, max(m, k * m))


def worked(rule: str, picture: tuple[int, int], width: int, height: int, megapixels: float = 1.0,
           multiple: int = 1, rounding: str = "down") -> tuple[int, int]:
    """(width, height) ``rule`` works out of a ``picture`` (width, height); 'as set': ``width`` and ``height``."""
    if rule not in ("within", "pixels") or min(picture) <= 0:
        return width, height
    fw, fh = _exact(rule, picture[0], picture[1], width, height, megapixels)
    return _to(fw, max(1, multiple), rounding), _to(fh, max(1, multiple), rounding)


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
    how = (f"fitted within {width or 'any'}x{height or 'any'}" if rule == "within"
           else f"at {p.megapixels:g} megapixels")
    many = f", each side {WORDS[p.size_rounding]} multiple of {p.size_multiple}" if p.size_multiple > 1 else ""
    ctx.info(f"size_rule {rule}: the take is {w}x{h}, the picture's {like[0]}x{like[1]} {how} keeping its "
             f"aspect{many}")
    return w, h
