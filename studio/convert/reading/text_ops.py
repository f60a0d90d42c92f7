"""Texts made from other texts by a replacement or an append, told by declared types (issue 112, values5: a prompt
template's '{{seconds}}' replaced by a number written as text in ComfyUI's StringReplace, pysssss' String Function
appending a prompt's parts, each said 'a value Studio cannot work out').

- A replacement: exactly three STRING inputs, one naming the text ('string', 'text', 'source'), one what is found
  ('find', 'old', 'to_replace'), one what replaces it ('replace', 'new', 'replace_with'), besides at most a BOOLEAN
  'use_regex' left off; one output, a STRING; its name or category saying it replaces (ComfyUI's StringReplace,
  mtb's 'String Replace (mtb)', jamesWalker55's JWStringReplace). Its text: every occurrence of what is found
  replaced, as Python's str.replace does, which each of those packs calls (read for that fact, none copied). Nothing
  to find: not worked out (packs differ there). WAS' 'Text Find and Replace' (a count out beside the text) finds by a
  pattern, or one occurrence at a time until none is left: not read so.
- A choice of 'append' or 'replace' ('action') with a 'tidy_tags' choice of 'yes' / 'no' and texts 'text_a',
  'text_b', 'text_c' (pysssss' String Function; its behaviour is known only from these declared names): 'append'
  joins the texts that are not empty, by ', ' where tidy, else by nothing; 'replace' replaces text_b by text_c in
  text_a (text_b written '/.../' is a pattern: not worked out); tidy then folds double spaces, ' ,' and ',,'.

Where a text is not known: None (said worked out when the workflow runs). Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any, Callable

from .. import catalogue

TEXT, FIND, NEW = ("string", "text", "source"), ("find", "old", "to_replace"), ("replace", "new", "replace_with")
SAYS_REPLACE = re.compile(r"(?i)replace")
MAX_TEXT = 100_000  # characters of a text worked out (a prompt is a few hundred)


def _replacement(t) -> tuple[str, str, str] | None:
    """(text, find, replace) input names of a replacement (see the module), else None."""
    strings = [i.name for i in t.inputs if i.type == "STRING"]
    others = [i for i in t.inputs if i.type != "STRING"]
    if len(strings) != 3 or any(not (i.name == "use_regex" and i.type == "BOOLEAN") for i in others):
        return None
    roles = [next((k for k in strings if k.lower() in names), None) for names in (TEXT, FIND, NEW)]
    return tuple(roles) if all(roles) and len(set(roles)) == 3 else None


def _function(t) -> bool:
    """pysssss' String Function, by its declared choices and texts."""
    action, tidy = t.input("action"), t.input("tidy_tags")
    return (action is not None and isinstance(action.options, tuple) and set(action.options) == {"append", "replace"}
            and tidy is not None and isinstance(tidy.options, tuple) and set(tidy.options) == {"yes", "no"}
            and all(t.input(k) is not None and t.input(k).type == "STRING" for k in ("text_a", "text_b")))


def _texts(value: Callable[[str], Any], names, wired) -> list[str] | None:
    out = []
    for k in names:
        v = value(k)
        if v is None and k not in wired:
            v = ""  # (an optional text left empty)
        if not isinstance(v, str):
            return None
        out.append(v)
    return out


def text_made(n, slot: int, value: Callable[[str], Any]) -> str | None:
    """The text such a node gives on output ``slot``; None for another node or where a text is not known."""
    t = catalogue.node_type(n.origin or n.cls)
    if slot != 0 or t is None or t.inputs is None or not t.outputs or t.outputs[0].type != "STRING":
        return None
    wired = set(n.links)
    if (roles := _replacement(t)) is not None and len(t.outputs) == 1 and SAYS_REPLACE.search(
            f"{t.name} {t.display} {t.category}"):
        if t.input("use_regex") is not None and value("use_regex") is not False:
            return None
        texts = _texts(value, roles, wired)
        if texts is None or not texts[1] or "\\" in texts[2]:
            return None  # (nothing to find; a backslash a pack by patterns would read as a group)
        out = texts[0].replace(texts[1], texts[2])
    elif _function(t):
        action, tidy = value("action"), value("tidy_tags")
        texts = _texts(value, ("text_a", "text_b", "text_c"), wired)
        if texts is None or action not in ("append", "replace") or tidy not in ("yes", "no"):
            return None
        if action == "append":
            out = (", " if tidy == "yes" else "").join(x for x in texts if x)
        elif texts[1].startswith("/") and texts[1].endswith("/") or not texts[1]:
            return None  # (a pattern; nothing to find)
        else:
            out = texts[0].replace(texts[1], texts[2])
        if tidy == "yes":
            out = out.replace("  ", " ").replace(" ,", ",").replace(",,", ",").replace(",,", ",")
    else:
        return None
    return out if len(out) <= MAX_TEXT else None
