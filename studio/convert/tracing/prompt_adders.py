"""The uncatalogued nodes a prompt's way walks through by the name of a conditioning input. One taking more than
that conditioning (a VAE, a latent, pictures) adds to it (keyframes, guides): walking through it to the prompt does
not read it, so it is left to the rules that read such nodes, else to the list of what is not converted (heldout53
03: MiniMax H3's keyframes node was marked read by the walk and named nowhere). One taking the conditioning alone is
said as passing it on as it is. Plain stdlib."""
from __future__ import annotations

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode


def _uncatalogued(x: CNode) -> bool:
    """(a core node a pack translation made in an uncatalogued node's place, FramePack-HY's FluxGuidance: held; a
    family's task node it made is read as its task: FramePack's text to video, its prompt alone)"""
    return x.cls != "ComfySwitchNode" and catalogue.node_type(x.origin or x.cls) is None and \
        catalogue.node_type(x.cls) is None and x.cls not in families.lookup("tasks")


def _walked_on(x: CNode, names: tuple[str, ...]) -> str | None:
    return next((k for k in names if k in x.links), None)


def adders(way: list[CNode], names: tuple[str, ...]) -> list[CNode]:
    """The nodes of ``way`` no catalogue holds that take, beside the conditioning walked through (the first of
    ``names`` wired), other inputs (told by their links: issue 112)."""
    return [x for x in way if _uncatalogued(x) and (k := _walked_on(x, names)) is not None
            and any(i != k for i in x.links)]


def alone_said(way: list[CNode], names: tuple[str, ...], which: str, end: CNode, said_already: set[str]) -> list[str]:
    """A sentence for each node of ``way`` no catalogue holds taking the conditioning alone, by one of ``names``
    (as tracing.prompts says one found by its declared types)."""
    lines = []
    for x in way:
        if x.id in said_already or not _uncatalogued(x) or (k := _walked_on(x, names)) is None:
            continue
        if all(i == k for i in x.links):
            lines.append(f"'{x.title or x.cls}' ({x.cls}, #{x.id}), a type Studio's catalogue does not hold, takes the "
                         f"{which} prompt's conditioning on '{k}' alone: read as passing it on as it is (the prompt is "
                         f"that of '{end.title or end.cls}' ({end.cls}, #{end.id}))")
    return lines
