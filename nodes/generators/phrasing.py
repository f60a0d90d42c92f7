"""Captions of the synthetic scenes from many phrasings: synonyms for colours, shapes and motions,
several word orders and sentence templates. Some words and templates are held out of training
and only appear in the test split's "held-out wording" captions, so a benchmark can tell a model
that understands the language from one that learned a fixed sentence.

Every phrasing names exactly one canonical colour, shape and motion per object (the analyser and
the scores use those), e.g. "a scarlet disc drifting leftwards" is (red, circle, left).
"""
from __future__ import annotations

import numpy as np

# canonical word -> (training synonyms, held-out synonyms)
COLOR_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "red": (("red", "crimson"), ("scarlet",)),
    "green": (("green", "emerald"), ("lime",)),
    "blue": (("blue", "sapphire"), ("cobalt",)),
    "yellow": (("yellow", "golden"), ("lemon",)),
    "magenta": (("magenta", "pink"), ("fuchsia",)),
    "cyan": (("cyan", "aqua"), ("turquoise",)),
    "white": (("white", "snowy"), ("ivory",)),
    "orange": (("orange", "amber"), ("tangerine",)),
}
SHAPE_WORDS = {
    "circle": (("circle", "ball", "round dot"), ("disc",)),
    "square": (("square", "box", "block"), ("tile",)),
    "triangle": (("triangle", "triangular shape"), ("wedge",)),
}
MOTION_WORDS = {
    "left": (("moving left", "going left", "sliding to the left", "travelling left"), ("drifting leftwards",)),
    "right": (("moving right", "going right", "sliding to the right", "travelling right"), ("heading right",)),
    "up": (("moving up", "rising", "going up", "floating upwards"), ("climbing",)),
    "down": (("moving down", "falling", "going down", "sinking"), ("dropping",)),
}
EXTRA_WORDS = {"rotating": (("spinning", "rotating"), ("turning",)), "growing": (("growing",), ("swelling",))}

# one object: {a} article, {c} colour, {s} shape, {m} motion, {x} ", spinning" etc.
OBJECT_TEMPLATES = (("{a} {c} {s} {m}{x}", "{a} {c} {s} that is {m}{x}", "{a} {s} in {c} {m}{x}"),
                    ("{a} {c} {s}, {m}{x}",))
# joining objects, and whole sentences
JOINERS = ((" and ", ", and ", " while "), (" as well as ",))
SENTENCES = (("{o}", "{o}", "there is {o}", "a scene with {o}", "{o}, over a still background"),
             ("we see {o}",))

CANONICAL_OBJECT = "{a} {c} {s} moving {d}"


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def canonical(objects: list[dict]) -> str:
    """The plain training wording: 'a red circle moving left and a blue square moving up'."""
    return " and ".join(CANONICAL_OBJECT.format(a=article(o["color"]), c=o["color"], s=o["shape"], d=o["direction"])
                        for o in objects)


def phrase(objects: list[dict], rng: np.random.Generator, held_out: bool = False) -> str:
    """A caption of ``objects`` (dicts with color, shape, direction and optional rotating/growing)
    from the training phrasings, or (``held_out``) with at least one held-out word and template."""
    k = 1 if held_out else 0

    def pick(table, key, force=False):
        train, test = table[key]
        if held_out and (force or rng.random() < 0.6):
            return str(rng.choice(test))
        return str(rng.choice(train))
    parts = []
    forced = int(rng.integers(len(objects)))  # this object surely gets held-out words
    for i, o in enumerate(objects):
        c = pick(COLOR_WORDS, o["color"], i == forced)
        s = pick(SHAPE_WORDS, o["shape"], i == forced)
        m = pick(MOTION_WORDS, o["direction"], i == forced)
        x = ""
        for e in ("rotating", "growing"):
            if o.get(e):
                x += ", " + pick(EXTRA_WORDS, e)
        tpl = str(rng.choice(OBJECT_TEMPLATES[k] if held_out and rng.random() < 0.5 else OBJECT_TEMPLATES[0]))
        first = tpl.split("{a} ")[1][:3]
        lead = c if first == "{c}" else s
        parts.append(tpl.format(a=article(lead), c=c, s=s, m=m, x=x))
    join = str(rng.choice(JOINERS[k] if held_out and rng.random() < 0.5 else JOINERS[0]))
    body = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + join + parts[-1] if len(parts) > 2 \
        else join.join(parts)
    sent = str(rng.choice(SENTENCES[k] if held_out and rng.random() < 0.5 else SENTENCES[0]))
    return sent.format(o=body)


def held_out_words() -> set[str]:
    """The words that only held-out phrasings use."""
    test_words: set[str] = set()
    train_words: set[str] = set()
    for table in (COLOR_WORDS, SHAPE_WORDS, MOTION_WORDS, EXTRA_WORDS):
        for train, test in table.values():
            for w in test:
                test_words.update(w.split())
            for w in train:
                train_words.update(w.split())
    for tpl in OBJECT_TEMPLATES[0] + JOINERS[0] + SENTENCES[0]:
        train_words.update(tpl.replace(",", " ").split())
    return test_words - train_words
