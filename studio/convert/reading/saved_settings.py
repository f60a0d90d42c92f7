"""The settings a workflow's nodes save, beside what their packs declare of them: for each enabled node whose type the
catalogue declares, each declared input not wired to another node, with the value the file saves for it (None where it
saves none). The readers that check saved values against declarations (bad_choices: a number where names go;
text_numbers: a template's blank where a number goes) walk these. Plain stdlib."""
from __future__ import annotations

from typing import Any, Iterator

from .. import catalogue


def saved(nodes: dict[str, Any]) -> Iterator[tuple[Any, Any, Any]]:
    """(node, declared input, saved value) for each enabled, declared node's unwired declared inputs."""
    for n in nodes.values():
        t = catalogue.node_type(n.origin or n.cls)
        if t is None or t.inputs is None or not n.enabled or not n.widgets:
            continue
        for i in t.inputs:
            if i.name not in n.links:
                yield n, i, n.widgets.get(i.name)
