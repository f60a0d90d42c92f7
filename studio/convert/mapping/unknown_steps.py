"""A node on a picture's, a clip's, a sound's, a latent's or a model's way whose type no catalogued pack declares (its
types are the ones its UI file saves, or its neighbours'), passed over in one true sentence: Studio does not know what
it does (a resize, or a whole video made from a picture and a pose clip: MusePose's 'musepose'), so it never calls it
'a step'; the sentence names the input whose way Studio follows through it (the one the walks take, tracing.walks),
the reader it gives to, and its other wired inputs, not read either. Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode

# the inputs tracing.walks.find_loader follows through a node it does not know, in its order (then any not a number)
FOLLOWED = ("image", "images", "video", "pixels", "audio", "input", "mask", "value", "source")
NUMBERS = ("INT", "FLOAT")
WAYS = frozenset({"IMAGE", "MASK", "VIDEO", "AUDIO", "LATENT", "MODEL", "CONDITIONING"})
MEDIA = {"IMAGE": "pictures", "MASK": "mask", "VIDEO": "clip", "AUDIO": "sound"}
THINGS = {**MEDIA, "LATENT": "latent", "MODEL": "model", "CONDITIONING": "conditioning"}


def unknown_step(n: CNode, ins: dict[str, str], read: set[str], into: str, unread: bool, tail: str,
                 sampled: frozenset[str] = frozenset()) -> str:
    """The sentence of uncatalogued ``n`` passed over on its way into ``into`` (``unread``: that reader is not
    converted or not applied either: nothing goes there instead); ``ins``: its inputs' types as the file saves them; ``read``: the types of its outputs read;
    ``tail``: its settings in words. Its way is an input of a type read from it (a picture in, a picture out)."""
    ways = [k for k, t in ins.items() if k in n.links and WAYS & set(t.split(","))]
    media = [k for k in ways if read & set(ins[k].split(","))] or ways
    way = next((k for k in FOLLOWED if k in media), media[0] if media else "input")
    kinds = [t for t in ins.get(way, "").split(",") if t in THINGS]  # (a socket of several types: the one read)
    kind = next((t for t in kinds if t in read), kinds[0] if kinds else "")
    walked = next((k for k in FOLLOWED if k in n.links), next((k for k in n.links if ins.get(k) not in NUMBERS), None))
    # of several inputs of the kind read from it, which it makes this output from is not known: all are named
    # (heldout18 14: a media prep's reference picture said made 'from its pose_video')
    froms = [k for k in media if kind and kind in ins.get(k, "").split(",")] if len(media) > 1 else [way]
    froms = froms if way in froms else [way]
    others = [k for k in n.links if k not in froms]
    more = (f"; its {', '.join(repr(k) for k in others[:4])}{' and more' if len(others) > 4 else ''} (wired) "
            f"{'are' if len(others) > 1 else 'is'} not read either") if others else ""
    # what goes there instead only where the way is its one input of that kind (heldout37 01: a face paste-back given
    # the clip's frames and the re-detailed faces was said to send the clip's frames on, while Studio's save is wired
    # from the generator's take, the way up its other input)
    # ``sampled``: its inputs a sampler's take comes up (Studio wires a take, not a file, where one of them does)
    alike = [k for k in ways if kind and kind in ins.get(k, "").split(",")]
    taken = [k for k in alike if k in sampled]
    # (one of them a take's: that one; none a take's: the file the walk to a loader follows through it, as Studio wires
    # it; several takes': not known which, none named)
    sent = taken[0] if len(alike) > 1 and len(taken) == 1 else way if walked == way and not taken or alike == [way] \
        and walked == way else None
    instead = (f"; the {MEDIA[kind]} its '{sent}' is given go{'' if kind == 'IMAGE' else 'es'} there instead"
               if not unread and kind in MEDIA and sent is not None else "")
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}), a node whose type no pack in Studio's catalogue "
            f"declares, makes what it gives {into} from its {', '.join(repr(k) for k in froms)}"
            f"{f' ({THINGS[kind]})' if kind else ''}: not "
            f"applied, as Studio does not know what it does{instead}{more}{tail}")
