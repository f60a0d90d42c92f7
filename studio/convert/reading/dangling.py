"""Links to nodes a file does not hold (an app's API export that left nodes out: an input wired to node '119' with no
node '119'), cut and said in one sentence: ComfyUI refuses such a prompt, so the inputs are read as not wired (a
switch then passes on the next input it is given, as it would with that input empty). Plain stdlib."""
from __future__ import annotations

MAX_NAMED = 6  # inputs named in the sentence (the rest counted)


def missing(nodes: dict) -> frozenset[str]:
    """The ids ``nodes`` link to but do not hold (before cut_dangling cuts those links). Found by the tenth held-out
    set: an API export of a subgraph whose inputs link to the subgraph's node, which the file leaves out."""
    return frozenset(src for n in nodes.values() for src, _ in n.links.values() if src not in nodes)


def cut_dangling(nodes: dict) -> list[str]:
    """Each link of ``nodes`` to a node id not in ``nodes``, removed; the sentence saying them ([] where none)."""
    cut: list[tuple] = []
    for n in nodes.values():
        for name, (src, _) in list(n.links.items()):
            if src not in nodes:
                del n.links[name]
                cut.append((n, name, src))
    if not cut:
        return []
    words = [f"'{n.title or n.cls}' (#{n.id})'s '{name}'" for n, name, _ in cut[:MAX_NAMED]]
    more = f" and {len(cut) - MAX_NAMED} more" if len(cut) > MAX_NAMED else ""
    ids = ", ".join(dict.fromkeys(str(s) for _, _, s in cut))
    return [f"{', '.join(words)}{more} {'is' if len(cut) == 1 else 'are'} wired to node{'s' * (len(set(ids.split(', '))) > 1)} "
            f"{ids}, which the file does not hold (ComfyUI refuses a prompt wired so): read as not wired"]
