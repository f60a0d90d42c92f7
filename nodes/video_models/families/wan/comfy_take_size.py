"""A Wan take's width, height and frames as a node of a ComfyUI workflow gives them (its own widgets, or what is
wired into them: ``wf.value``), read onto the Studio node made for it, what cannot be kept said: one place for the
families whose readings take them alike (Pusa, Phantom, SteadyDancer). Plain data and stdlib."""
from __future__ import annotations

MULTIPLE = 16  # Wan's take sizes: multiples of 16


def whole(v) -> int | None:
    """``v`` where a whole number (not a bool), else None."""
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def take_size(wf, node, params: dict, said: list[str], title: str, defaults: dict) -> None:
    """``params``' width and height from ``node``'s where multiples of 16; else said, naming what Studio's
    ``title`` node makes instead (``defaults``: its width and height)."""
    for k in ("width", "height"):
        v = whole(wf.value(node, k))
        if v is not None and v % MULTIPLE == 0:
            params[k] = v
        elif v is not None:
            said.append(f"the take's {k} {v} is not a multiple of {MULTIPLE}: Studio's {title} makes {defaults[k]} "
                        f"(set its {k})")
        else:
            said.append(f"the take's {k} is not known when converting: Studio's {title} makes {defaults[k]} (set its "
                        f"{k}, a multiple of {MULTIPLE})")


def take_frames(wf, node, params: dict, said: list[str], title: str, default: int) -> None:
    """``params``' frames from ``node``'s length where above 0; else said, naming the ``default`` frames Studio's
    ``title`` node makes."""
    length = whole(wf.value(node, "length"))
    if length is not None and length > 0:
        params["frames"] = length
    else:
        said.append(f"the take's length is not known when converting: Studio's {title} makes {default} frames (set "
                    "its frames)")
