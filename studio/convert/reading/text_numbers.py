"""An API file's setting given text where its pack declares a number or a switch (an app's template: '{{SEED}}',
'{{UPSCALE}}', 'PARAM_INT_FPS', filled by the app before it posts the workflow; heldout47 03: SeedVR2's resolution,
seed and batch_size placeholders were read as the pack's defaults, 1080, 42 and 5, unsaid). ComfyUI refuses such a
prompt as saved (not a number); Studio takes none of them as a value: where it makes the node, the setting stays at a
default or at what its reader says. Told by the catalogue's declared type of the input (INT, FLOAT, BOOLEAN), never by
the node's name; only a blank as apps write them (BLANK) is told, never a number saved as text ('25') or a word
shifted into a number's place (an exporter's slip, said where it is read). One sentence for the file, each
setting named. Plain stdlib."""
from __future__ import annotations

import re
from typing import Any

from studio.core.shown import cut

from .saved_settings import saved

NUMBERS = frozenset({"INT", "FLOAT", "BOOLEAN"})
SHOWN = 6  # settings named in the sentence; the others counted


# a template's blank as apps write them: '{{SEED}}', '{{ OUTPUT_RESOLUTION }}', '${FPS}', '__FPS__', '%WIDTH%',
# '<STEPS>', 'PARAM_INT_FPS', 'WIDTH' (one word in capitals); a word or a sentence ('euler', 'bad quality video': a
# value shifted into another setting's place) is not one, and is not told here
BLANK = re.compile(r"\s*(\{\{\s*[\w.\- ]+?\s*\}\}|\$\{\w+\}|__\w+__|%\w+%|<\w+>|[A-Z][A-Z0-9_]{2,})\s*")


def _number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return v.strip().lower() in ("true", "false")
    return True


def found(nodes: dict[str, Any]) -> list[tuple[Any, str, str]]:
    """(node, input, its text) for each enabled node's setting its type declares a number or a switch, given a
    template's blank."""
    return [(n, i.name, v) for n, i, v in saved(nodes)
            if i.type in NUMBERS and isinstance(v, str) and BLANK.fullmatch(v) and not _number(v)]


def said(nodes: dict[str, Any]) -> list[str]:
    """The sentence for the settings ``found`` (none: [])."""
    got = found(nodes)
    if not got:
        return []
    named = ", ".join(f"{cut(v, 40)!r} as {n.named()}'s '{k}'" for n, k, v in got[:SHOWN])
    more = f" and {len(got) - SHOWN} more" if len(got) > SHOWN else ""
    many = len(got) > 1
    return [f"{len(got)} setting{'s' * many} the node types declare as numbers or switches hold{'s' * (not many)} "
            f"text ({named}{more}): an app's placeholder{'s' * many}, filled before it posts the workflow (ComfyUI "
            f"refuses the file as saved); Studio {'takes none of them' if many else 'does not take it'} as a value: "
            "where Studio makes the node, the setting stays at a default or as said for it (set the value by hand)"]
