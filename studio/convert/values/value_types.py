"""A value a UI file saved for a setting, checked against the type its input declares: a number for an INT or a
FLOAT (not a flag, which a pack that moved its settings saves in that place), a flag for a BOOLEAN. The one core of
the readers' own fits, each stricter where its question is (reading/fewer_values: whole numbers in range, a combo's
choices; reading/prompt_schedules: words for a STRING; finishing/declared: no list or dict; packs/translation: an
older frontend's 0 or 1 for a flag). Plain stdlib."""
from __future__ import annotations

from typing import Any


def of_type(v: Any, kind: str | None) -> bool:
    """A saved value of the input's declared type (INT/FLOAT: a number, not a flag); any value where not known."""
    if kind in ("INT", "FLOAT"):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return kind != "BOOLEAN" or isinstance(v, bool)
