"""WanVideoWrapper's CreateCFGScheduleFloatList (a cfg per step: the scale between start and end percent of the steps,
1.0 outside) on a WanVideoSampler's cfg: Studio's generator takes one guidance per pass, so the pass is given the value
most of its own steps have, and the list is said step by step. The list is worked out as the wrapper's node documents
it (facts read, no code copied: index int(steps * percent), at most the last; linear, ease_in t*t, ease_out t*(2-t);
rounded to 2 places; the first step 1.0 where start_percent > 0). Found by the tenth held-out set: 'cfg 2 for the
first step, then 1' left the Lightning pass at the generator's 5.0. Plain data and stdlib."""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable

LIST = "CreateCFGScheduleFloatList"
EASE = {"linear": lambda t: t, "ease_in": lambda t: t * t, "ease_out": lambda t: t * (2 - t)}


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def cfg_list(value: Callable[[str], Any]) -> list[float] | None:
    """The per-step cfg list the node makes (``value``: its setting's value), or None where a setting is unknown."""
    steps, a, b = value("steps"), _num(value("cfg_scale_start")), _num(value("cfg_scale_end"))
    lo, hi, ease = _num(value("start_percent")), _num(value("end_percent")), EASE.get(str(value("interpolation")))
    if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= 10_000 or None in (a, b, lo, hi) \
            or ease is None:
        return None
    out = [1.0] * steps
    first, last = min(int(steps * lo), steps - 1), min(int(steps * hi), steps - 1)
    for i in range(first, last + 1):
        t = 0.0 if last == first else (i - first) / (last - first)
        out[i] = round(a + ease(t) * (b - a), 2)
    if lo > 0:
        out[0] = 1.0
    return out


# what a sampler is given beside a plain image or text to video's embeds that makes another generator's take (a
# voice's, a camera's, a pose's, a control's: multitalk_embeds, uni3c_embeds, unianimate_poses, add_cond_latents...);
# its other inputs (caches, FETA, devices) are said by their own readings
OTHER_TAKE = ("embeds", "poses", "latents", "control")
PLAIN_EMBEDS = ("WanVideoImageToVideoEncode", "WanVideoEmptyEmbeds")  # (and their packs' copies, by name's start)


def _plain(t, n) -> bool:
    """Whether sampler ``n`` makes a plain image or text to video (Image / Text to Video, whose guidance_steps takes a
    list's first steps): no other take's input wired, its embeds made by a plain encode."""
    src = t.link(n, "image_embeds")
    maker = t.wf.nodes.get(src[0]) if src else None
    others = [k for k in n.links if k not in ("image_embeds", "text_embeds") and any(w in k for w in OTHER_TAKE)]
    return not others and maker is not None and any((maker.origin or maker.cls).startswith(x) or maker.cls == x
                                                    for x in PLAIN_EMBEDS)


def read(t, n, w: dict) -> None:
    """Sampler ``n``'s cfg from a cfg list (``t``: the wrapper's translation; ``w``: its settings as read): set in ``w``
    to the value most of the pass's steps have, the list said in place of 'cannot work out'."""
    src_link = n.links.get("cfg")
    src = t.wf.nodes.get(src_link[0]) if src_link else None
    if src is None or src.cls != LIST:  # (a UI file saves the sampler's cfg widget beside the wire: that stale value
        return  # is not what runs, the list is read all the same: heldout86 07, whose API copy 08 read it)
    values = cfg_list(lambda k: t.wf.value(src, k))
    if not values:
        return
    start, end = w.get("start_step"), w.get("end_step")
    start = start if isinstance(start, int) and not isinstance(start, bool) and start > 0 else 0
    end = end if isinstance(end, int) and not isinstance(end, bool) and 0 <= end <= len(values) else len(values)
    mine = values[start:end] or values
    cfg = Counter(mine).most_common(1)[0][0]
    head = f"'{n.title or n.shown_cls}' (#{n.id})'s cfg comes from"
    t.said[:] = [x for x in t.said if not x.startswith(head)]
    k = next((i for i, v in enumerate(mine) if v == 1.0), len(mine))  # (its first steps guided, then 1: the take's
    if start == 0 and 0 < k < len(mine) and mine[0] > 1 and len(set(mine[:k])) == 1 and set(mine[k:]) == {1.0} \
            and _plain(t, n):  # (in context windows too: the guidance hook wraps the windows', loops18)
        w["cfg"] = mine[0]  # first steps, carried to the generators' guidance_steps: checked there, mapping/outputs)
        t.wf.carried.setdefault(n.id, {})["guidance_steps"] = k
        t.said.append(f"'{n.title or n.shown_cls}' (#{n.id})'s cfg is a value per step from "
                      f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}): {mine[0]:g} on its first {k} "
                      f"step{'s' if k > 1 else ''}, 1 after: the generator's guidance {mine[0]:g} with guidance_steps "
                      f"{k} (the rest sampled with the prompt alone)")
        t.wf.taken.add(src.id)
        return
    w["cfg"] = cfg
    others = ", ".join(f"{v:g} at step {start + i}" for i, v in enumerate(mine) if v != cfg)
    span = f"its steps {start}-{start + len(mine) - 1}"  # (one value on them all: said so, heldout84 07)
    t.said.append(f"'{n.title or n.shown_cls}' (#{n.id})'s cfg is a value per step from '{src.title or src.shown_cls}' "
                  f"({src.shown_cls}, #{src.id}): " + (f"{cfg:g} for most of {span} ({others})" if others else
                                                      f"{cfg:g} on each of {span}") +
                  f"; Studio's generator takes one guidance for the pass, {cfg:g}")
    t.wf.taken.add(src.id)  # (its value read: not a node left unconverted)
