"""A save's name as Studio's path takes it: ComfyUI fills tokens into a filename_prefix when it saves - its page's
%date:FORMAT% and %Title.setting% (a node's setting), its server's %year%, %month%, %day%, %hour%, %minute%,
%second%, %width%, %height% and %batch_num% - which are not known when converting (a date, a picture's size). The
name is made without them and that is said (a path holding '%date:yyyy-MM-dd%' would be written as text, and its
':' is no file name on Windows). Plain data and stdlib."""
from __future__ import annotations

import re

TOKEN = re.compile(r"%[^%/\\\n]{1,80}%")


def plain(raw: str, default: str = "ComfyUI") -> tuple[str, list[str]]:
    """(the prefix without ComfyUI's fill-in tokens, each folder's name trimmed of the separators they leave;
    ``default`` where nothing is left, the tokens found)."""
    tokens = TOKEN.findall(raw)
    if not tokens:
        return raw, []
    parts = [p.strip(" -_.") for p in TOKEN.sub("", raw).replace("\\", "/").split("/")]
    return "/".join(p for p in parts if p) or default, tokens


def tokens_said(save, raw: str, tokens: list[str], prefix: str) -> str:
    """The sentence for a save whose prefix held ComfyUI's fill-in tokens."""
    shown = ", ".join(f"'{t}'" for t in dict.fromkeys(tokens))
    one = len(set(tokens)) == 1
    return (f"'{save.title or save.shown_cls}' ({save.shown_cls}, #{save.id})'s filename_prefix '{raw}' holds "
            f"{shown}, {'a token' if one else 'tokens'} ComfyUI fills in when it saves (a date, a time, a size or a "
            f"node's setting): Studio's name is made without {'it' if one else 'them'} ('{prefix}')")
