"""A pack's film grain read into Studio's Grain (wins6, issue 112). Nothing in a grain node's declared types tells
grain from any other picture-in, picture-out step, nor what its numbers mean, so this is the one finishing effect
read by the node's type name (``GRAINS``), each checked against its declared layout (one picture in, a picture
out, the widgets named there) so that another version of the pack with other settings is not misread.

What the two types do (facts from their sources: LTXVideo's 'LTXVFilmGrain', and vrgamedevgirl's 'FastFilmGrain',
which says it tints its grain "like LTX" and does the same): one standard normal noise per pixel and channel, the
red channel's doubled and the blue's tripled; a mix by the saturation setting of that tinted noise with the green
channel's noise given to all three (0: the same in every channel, a grey grain); the picture plus grain_intensity
times that noise, clipped to 0..1, a new noise each frame (unseeded). Studio's Grain adds seeded noise of standard
deviation 'amount', one pixel a grain (size 0), the same in all channels or one per channel ('colour'): the
intensity is its amount (the green channel's, and the whole grain's where the mix is 0), the mix is read as grey
(below a half) or colour (from a half); the tint and the share of the mix in between are not taken, said.
``grain(wf, n, ins, widgets)``: (Studio's params, the input of the pictures, what is not taken) or None. Plain data."""
from __future__ import annotations

from studio.core.shown import rounded

from ..families import registry as families
from ..reading.workflow import CNode, Workflow

# type name -> (its intensity widget, its saturation widget): read by name, as nothing declared tells grain (above)
GRAINS = {"FastFilmGrain": ("grain_intensity", "saturation_mix")}  # a family's own grains: its hook 'grains' (LTX-2)
QUIET = ("batch_size",)  # how many frames it computes at once: not what it gives


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _values(n: CNode, widgets: tuple, wanted: tuple[str, str]) -> dict | None:
    """{widget: value} of ``n``'s settings: by name, else (a list saved by place, a version of the pack with fewer
    widgets: FastFilmGrain saved 2 before its batch_size came) by place in the declared order while they are numbers
    and reach both ``wanted``; None where they cannot be read so."""
    if all(w in n.widgets for w in wanted):
        return dict(n.widgets)
    raw = n.raw if isinstance(n.raw, list) else None
    if raw is None or len(raw) > len(widgets) or not all(_number(v) for v in raw):
        return None
    named = dict(zip(widgets, raw))
    return named if all(w in named for w in wanted) else None


def grain(wf: Workflow, n: CNode, ins: dict, widgets: tuple) -> tuple[dict, str, list[str]] | None:
    """(Studio's Grain's params, the input carrying the pictures, the settings not taken in words) for the film
    grain ``n``, or None where it is none Studio reads (another type, another layout, a value it cannot read)."""
    wanted = {**GRAINS, **families.lookup("grains")}.get(n.shown_cls)
    if wanted is None or list(ins.values()) != ["IMAGE"] or set(widgets) - {*wanted, *QUIET} or \
            not all(w in widgets for w in wanted):
        return None
    values = _values(n, widgets, wanted)
    if values is None:
        return None
    amount, mix = (wf.value(n, w) if w in n.links else values.get(w) for w in wanted)
    if not _number(amount) or not _number(mix) or not 0 <= amount <= 1 or not 0 <= mix <= 1:
        return None
    colour = mix >= 0.5
    params = {"amount": float(amount), "size": 0.0, "colour": colour}
    unapplied = []
    if 0 < mix < 1 or colour:
        unapplied.append(f"its {wanted[1]} {rounded(mix)} (a mix of a noise of each channel, red twice and blue three "
                         f"times as strong, with one grey noise: Studio's Grain is {'one noise a channel, untinted' if colour else 'grey'})")
    return params, next(iter(ins)), unapplied
