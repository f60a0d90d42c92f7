"""Sentence checks (issue 112: 0 false sentences on workflows nobody judged): each workflow converted as the CLI does
(studio.convert.mapping.file.convert_file) and every sentence of its Log and of Studio's canvas notes checked against
the workflow file itself, mechanically, by these rules:

- ``node``: a node a sentence names by id ("(Type, #id)", "'Title' (#id)", "Type (#id)", "(Type, node id)") exists in
  the file (a subgraph's nodes as 'outer:inner', a subgraph instance and frontend-only nodes too);
- ``type``: the type said with an id is that node's type in the file (its ``class_type`` / ``type``, or the name
  the frontend filed it under, 'Node name for S&R');
- ``title``: the name quoted before an id is the node's title, its type, or its type's display name;
- ``input``: an input said of a node ("'Title' (#id)'s 'input'") is one the node has (saved in the file, or declared
  by its type in the catalogue: studio.convert.catalogue);
- ``wired``: "A (.., #a) gives 'B' (#b)'s 'input'" or "B (#b)'s input comes from A (#a)": that input of B is wired,
  from A (through the nodes between); "B (#b) is given no 'input'": the file wires nothing there;
- ``value``: a setting said with its value ("its settings: k v, ...", "its own inputs k v", "loads ... with k v")
  is the value the file saves for that setting of that node;
- ``dropped``: a node listed as not converted is not also passed (``Conversion.passed``) nor made (the origin of a
  Studio node), and not both passed and made;
- ``size``: "the take's size and length come from ComfyUI's 'X' (.., #x) [through ...]" in the note of sampler #s:
  X's output reaches #s directly or through the nodes the sentence lists, not through others.

Each violation is printed with its file, the sentence and the rule; the counts per rule at the end (``--json`` writes
them with every violation). The checker reads the file on its own (raw JSON: ids, types, titles, saved inputs and
values; reading.workflow only for the links through reroutes and subgraphs, and for the values named by place) so
it does not share the converter's mistakes where it can avoid it. It judges only what is mechanical: a sentence can
pass every rule and still be false.

Usage: python -m benchmarks.sentence_checks [--json PATH] [--quiet] DIR_OR_FILE...
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

RULES = ("node", "type", "title", "input", "wired", "value", "dropped", "size")
ID = r"[0-9][0-9A-Za-z_]*(?:[:~][0-9A-Za-z_]+(?:\.[0-9A-Za-z_]+)*)*"  # (an API file's ids may be any text: '567_559';
# a blueprint's open end is named by its input, which may hold dots: '376:reference_images.reference_image_0')
# "(Type, #id" followed by ')' ',' ':' ';' or ' ' (a type never holds '(' ')' '#' or a quote here)
# a node copied for a pass of a loop unrolled (packs/loops_unrolled.py: 'ID@2' onwards, the loop's sentence says so)
COPY = re.compile(r"((?:#|node )" + ID + r")@[0-9]+(?=[),:; '])")
TYPE_ID = re.compile(r"\(([^()#'\n]{1,80}?), (?:#|node )(" + ID + r")(?=[),:; ])")
# a title without quotes in it, opening a phrase (a title holding a quote is not judged)
TITLED = re.compile(r"(?:^|(?<=[\s(\[,]))'([^'\n]*)' \((?:([^()#'\n]{1,80}?), )?#(" + ID + r")(?=[),:; ])")
INPUT = re.compile(r"(?:^|(?<=[\s(\[,]))'([^'\n]*)' \((?:([^()#'\n]{1,80}?), )?#(" + ID + r")\)'s '([^'\n]+)'")
GIVES = re.compile(r"\((?:[^()#'\n]{1,80}?, )?#(" + ID + r")(?:: [^()]*)?\) gives (?:only )?'(?:[^'\n]|'(?! \())*' "
                   r"\((?:[^()#'\n]{1,80}?, )?#(" + ID + r")\)'s '([^'\n]+)'")
COMES = re.compile(r"\((?:[^()#'\n]{1,80}?, )?#(" + ID + r")\)'s ([\w ,]+?) comes? from ('.*?), whose values? "
                   r"(?:[^:]*?the value saved in the file \(([^()]*)\) is used)?")
ID_TYPE = re.compile(r"\(#(" + ID + r"), ([A-Za-z][^()#'\n]{0,79}?)\)")  # "(#104, WanFunV2VSampler)"
GIVEN_NO = re.compile(r"\((?:[^()#'\n]{1,80}?, )?#(" + ID + r")\)(?: before '[^'\n]*' \(#" + ID + r"\))? is given no "
                      r"'([^'\n]+)'")
SAID_VALUE = re.compile(r"\((?:[^()#'\n]{1,80}?, )?#(" + ID + r")\)'s ([a-z][a-z0-9_]*) '([^'\n]*)'")
SETTINGS = re.compile(r"\((?:its settings|its own inputs): ([^()]*(?:\([^()]*\)[^()]*)*)\)")
OWN_INPUTS = re.compile(r"\(([^()#'\n]{1,80}?), #(" + ID + r")\)[^.;]*?its own inputs (.+?) (?:are|is) not applied")
LOADS_WITH = re.compile(r"\(([^()#'\n]{1,80}?), #(" + ID + r")\) loads '(?:[^'\n]*)' with (.+?): not applied")
SIZE = re.compile(r"the take's size and length come from ComfyUI's '(?:[^'\n]|'(?! \())*' \([^()#'\n]{1,80}?, #(" + ID
                  + r")\)(?: through (.*?))?, which Studio does not read")
HEADER = re.compile(r"^Converted from ComfyUI \([^\n]*?\), sampler '(?:[^'\n]|'(?! \())*' \(#(" + ID + r")\)")
# the words after which a quoted name names a node (after a noun: a value it holds, "the video 'a.mp4' (.., #3)")
AFTER_WORD = re.compile(r"(?:^|\W)(?:and|by|from|to|with|of|gives|through|into|on|in|as|after|before|between|its) $")
NOTE_TYPES = ("Note", "MarkdownNote", "Label (rgthree)", "Fast Groups Bypasser (rgthree)")


@dataclass
class Raw:
    """A node as the file saves it."""
    id: str
    type: str
    title: str = ""
    names: set[str] = field(default_factory=set)  # types it may be named by (the file's, 'Node name for S&R')
    inputs: set[str] = field(default_factory=set)  # the inputs the file saves on it (sockets and widgets)
    values: dict[str, Any] = field(default_factory=dict)  # saved values by name (API inputs, widgets named)


def _walk_ui(nodes, subs: dict, prefix: str, out: dict, depth: int = 0) -> None:
    for n in nodes or []:
        if not isinstance(n, dict) or "type" not in n:
            continue
        nid = prefix + str(n.get("id"))
        props = n.get("properties") if isinstance(n.get("properties"), dict) else {}
        r = Raw(nid, str(n["type"]), str(n.get("title") or ""))
        r.names = {r.type} | ({str(props["Node name for S&R"])} if props.get("Node name for S&R") else set())
        r.inputs = {str(i.get("name")) for i in n.get("inputs") or [] if isinstance(i, dict)}
        r.inputs |= {str(i.get("widget", {}).get("name")) for i in n.get("inputs") or []
                     if isinstance(i, dict) and isinstance(i.get("widget"), dict)}
        if isinstance(n.get("widgets_values"), dict):
            r.values = dict(n["widgets_values"])
        out[nid] = r
        sub = subs.get(n["type"])
        if sub is not None and depth < 8:
            r.names.add(str(sub.get("name") or ""))
            _walk_ui(sub.get("nodes"), subs, nid + ":", out, depth + 1)


def raw_nodes(doc: Any) -> tuple[dict[str, Raw], str]:
    """The file's nodes by id as the flat workflow names them, and its kind ('api' / 'ui')."""
    from studio.convert.reading.workflow import enveloped, is_workflow
    if isinstance(doc, dict) and isinstance(doc.get("prompt"), dict) and is_workflow(doc["prompt"]) == "api":
        doc = doc["prompt"]
    doc, _ = enveloped(doc)
    kind = is_workflow(doc)
    out: dict[str, Raw] = {}
    if kind == "api":
        for nid, n in doc.items():
            if not isinstance(n, dict) or "class_type" not in n:  # (a '_comment' text beside the nodes: skipped)
                continue
            meta = n.get("_meta") if isinstance(n.get("_meta"), dict) else {}
            ins = n.get("inputs") if isinstance(n.get("inputs"), dict) else {}
            out[str(nid)] = Raw(str(nid), str(n["class_type"]), str(meta.get("title") or ""), {str(n["class_type"])},
                                set(map(str, ins)), {k: v for k, v in ins.items() if not isinstance(v, list)})
    elif kind == "ui":
        subs = {s.get("id"): s for s in (doc.get("definitions") or {}).get("subgraphs") or [] if isinstance(s, dict)}
        _walk_ui(doc.get("nodes"), subs, "", out)
        from studio.convert.reading.blueprints import ends  # a blueprint's open ends, as the reading makes them
        for nid, cls, title, _kind, name, _slot in ends(doc):
            out[nid] = Raw(nid, cls, title, {cls}, {name} if name else set())
    return out, kind or ""


def _declared(types: set[str]) -> tuple[set[str], set[str]]:
    """(input names, display names) the catalogue declares for any of ``types``."""
    from studio.convert import catalogue
    names, shown = set(), set()
    for t in types:
        nt = catalogue.node_type(t)
        if nt is not None:
            names |= {i.name for i in nt.inputs or ()}
            shown.add(nt.display)
    return names, shown


def clause_value(v: str) -> str:
    """A setting's value as a sentence shows it, up to the clause after it ('; '), or cut short ('…') where the value's
    own text holds a '; ' before the cut ("... source video; it… (706 more characters)": heldout110 01's prompt)."""
    first, _, rest = v.partition("; ")
    return first + "…" if re.match(r"[^;]*?(?:…|\.\.\.) \(\d[\d,]* more characters?\)", rest) else first


def _same(said: str, saved: Any) -> bool:
    """The value a sentence shows is the saved one (numbers to the digits shown, texts as cut)."""
    said = said.strip()
    if not (isinstance(saved, str) and ", " in saved):
        said = said.split(", ")[0]  # (a list's next item whose name is not known)
    if said.startswith("'") and said.endswith("'") and len(said) > 1:
        said = said[1:-1]
    if isinstance(saved, bool):
        return said.rstrip("…") in (str(saved), str(saved).lower())
    if isinstance(saved, (int, float)):
        said = said.rstrip("…")
        try:
            x = float(said.replace(",", ""))
        except ValueError:
            return False
        if not math.isfinite(saved):
            return str(saved) in said
        return abs(x - saved) <= max(1e-9, 10 ** -(len(said.split(".")[1]) if "." in said else 0) * 0.51 * 1,
                                     abs(saved) * 5e-3)
    text = str(saved).strip()
    cut = re.match(r"^(.*?)(?:…|\.\.\.)(?: \(.*more\))?'?$", said, re.S)
    if cut:  # (a value, or the list it ends, cut short)
        head = cut.group(1).rstrip("'").strip()
        return text.startswith(head[:40]) or head.startswith(text)
    said = said.strip()
    shown = (text, repr(text), repr(text)[1:-1], repr(str(saved)), repr(str(saved))[1:-1])  # (a text of several lines listed whole on one line, as Python
    # writes it: its line breaks '\\n', its backslashes doubled - settings23's listings)
    if said in shown or said.replace("\\\\", "\\") == text:
        return True
    # (a whole value holding its own '; ', where clause_value ended the clause: the said part is the value's start)
    head = said[1:] if said.startswith("'") else said  # (the clause ended inside the quotes)
    return any(len(head) >= 8 and t.startswith(head) and t[len(head):].startswith("; ") for t in shown)


def _pairs(text: str, keys) -> list[tuple[str, str]]:
    """'k v, k v' -> [(k, v)] for the keys known (a value may hold ', ': it runs to the next known key)."""
    keys = sorted({k for k in keys if isinstance(k, str) and k}, key=len, reverse=True)
    if not keys:
        return []
    at = [(m.start(1), m.group(1)) for m in re.finditer(r"(?:^|, )(" + "|".join(map(re.escape, keys)) + r") ", text)]
    return [(k, text[i + len(k) + 1:(at[j + 1][0] - 2 if j + 1 < len(at) else len(text))])
            for j, (i, k) in enumerate(at)]


class Checker:
    def __init__(self, path: str):
        from studio.convert.mapping.file import convert_file, read_document
        from studio.convert.reading.workflow import Workflow, is_workflow
        self.path = path
        self.doc = read_document(path)  # (a .json file's, or the workflow a PNG / WebP / clip carries, as convert_file)
        self.raw, self.kind = raw_nodes(self.doc)
        doc = self.doc
        if isinstance(doc, dict) and isinstance(doc.get("prompt"), dict) and is_workflow(doc["prompt"]) == "api":
            doc = doc["prompt"]  # (as convert_file reads it)
        self.wf = Workflow.read(doc)  # (a fresh reading: the links through reroutes and subgraphs, values by place)
        self.conv = convert_file(path)
        self.violations: list[tuple[str, str, str]] = []  # (rule, sentence, why)
        self._declared: dict[str, tuple[set[str], set[str]]] = {}
        own = {str(v) for n in self._note_values() for v in n}
        notes = [n.get("text", "") for n in self.conv.graph.ui.get("notes", []) if isinstance(n, dict)]
        self.texts = list(self.conv.log) + [t for t in notes if t not in own]

    def _note_values(self):
        for n in self._ui_nodes():
            if n.get("type") in NOTE_TYPES or "Note" in str(n.get("type")):
                v = n.get("widgets_values")
                yield v if isinstance(v, list) else [v]

    def _ui_nodes(self):
        doc = self.doc
        if not isinstance(doc, dict):
            return
        stack = [doc.get("nodes") or []] + [s.get("nodes") or [] for s in (doc.get("definitions") or {}).get(
            "subgraphs") or [] if isinstance(s, dict)]
        for nodes in stack:
            yield from (n for n in nodes if isinstance(n, dict))

    def bad(self, rule: str, sentence: str, why: str) -> None:
        self.violations.append((rule, sentence, why))

    def declared(self, r: Raw) -> tuple[set[str], set[str]]:
        if r.id not in self._declared:
            cn = self.wf.nodes.get(r.id)
            self._declared[r.id] = _declared(r.names | ({cn.cls, cn.shown_cls} if cn is not None else set()))
        return self._declared[r.id]

    # -- rules -----------------------------------------------------------------------------
    def check(self) -> list[tuple[str, str, str]]:
        for text in self.texts:
            sampler = None
            for line in text.split("\n"):
                m = HEADER.match(line)
                if m:
                    sampler = m.group(1)
                self.sentence(line, sampler)
        self.dropped()
        return self.violations

    def sentence(self, s: str, sampler: str | None) -> None:
        s = COPY.sub(r"\1", s)  # (a pass's copy of a node, 'ID@k', checked as that node)
        for m in TYPE_ID.finditer(s):
            said, nid = m.group(1).strip().split(", read as ")[0], m.group(2)
            if re.match(r"(?:a|an|the|its) ", said):
                continue  # ('(a VAEDecode, #45)': what a node is read as, in words)
            r = self.raw.get(nid)
            if r is None:
                self.bad("node", s, f"#{nid} is not a node of the file")
                continue
            if said not in r.names and said.rstrip(".") not in r.names and not self._same_type(said, r):
                self.bad("type", s, f"#{nid} is said {said!r}; the file's type is {r.type!r}")
        for m in ID_TYPE.finditer(s):
            r = self.raw.get(m.group(1))
            if r is None:
                self.bad("node", s, f"#{m.group(1)} is not a node of the file")
            elif m.group(2) not in r.names and not self._same_type(m.group(2), r):
                self.bad("type", s, f"#{r.id} is said {m.group(2)!r}; the file's type is {r.type!r}")
        for m in GIVEN_NO.finditer(s):
            cn = self.wf.nodes.get(m.group(1))
            if cn is not None and m.group(2) in cn.links:
                self.bad("wired", s, f"#{cn.id}'s {m.group(2)!r} is said given nothing; the file wires it")
        for m in TITLED.finditer(s):
            title, nid = m.group(1), m.group(3)
            if m.group(2) and re.match(r"(?:a|an|the|its) ", m.group(2)):
                continue
            r = self.raw.get(nid)
            if r is None:
                if m.group(2) is None:
                    self.bad("node", s, f"#{nid} is not a node of the file")
                continue
            before = s[:m.start()]
            if re.search(r"[a-z]{3,} $", before) and not AFTER_WORD.search(before):
                continue  # ("the video 'walk.mp4' (..., #3)", "sampler 'euler' (..., #5)": a value it holds)
            if not self._titled(title, r):
                self.bad("title", s, f"#{nid} is named {title!r}; the file names it {r.title or r.type!r}")
        for m in INPUT.finditer(s):
            nid, name = m.group(3), m.group(4)
            r = self.raw.get(nid)
            if r is not None and not self._has_input(r, name):
                self.bad("input", s, f"#{nid} ({r.type}) has no input {name!r}")
        for m in GIVES.finditer(s):
            a, b, name = m.group(1), m.group(2), m.group(3)
            if a in self.raw and b in self.raw and not self._feeds(a, b, name):
                self.bad("wired", s, f"#{b}'s {name!r} is not given by #{a} in the file")
        for m in COMES.finditer(s):
            a, names, saved = m.group(1), re.split(r", | and ", m.group(2)), m.group(4)
            froms = [b for b in re.findall(r"#(" + ID + r")\)", m.group(3)) if b in self.raw]
            r = self.raw.get(a)
            for name in (x.strip() for x in names if x.strip()):
                if r is not None and not self._has_input(r, name):
                    self.bad("input", s, f"#{a} ({r.type}) has no input {name!r}")
                elif a in self.raw and froms and not any(self._feeds(b, a, name) for b in froms):
                    self.bad("wired", s, f"#{a}'s {name!r} is given by none of {froms} in the file")
                elif saved is not None and r is not None and len(names) == 1:
                    self._values(s, a, f"{name} {saved}", as_saved=True)
        for m in SAID_VALUE.finditer(s):  # "'X' (#5)'s beta_schedule 'linear'": a setting's saved value
            self._values(s, m.group(1), f"{m.group(2)} '{m.group(3)}'")
        for m in SETTINGS.finditer(s):
            nid = self._subject(s, m.start())
            if nid is not None:
                self._values(s, nid, m.group(1))
        for m in OWN_INPUTS.finditer(s):
            self._values(s, m.group(2), m.group(3))
        for m in LOADS_WITH.finditer(s):
            self._values(s, m.group(2), m.group(3))
        m = SIZE.search(s)
        if m and sampler is not None:
            self._size(s, m.group(1), m.group(2) or "", sampler)

    def _same_type(self, said: str, r: Raw) -> bool:
        cn = self.wf.nodes.get(r.id)  # a subgraph's instance is said by its subgraph's name
        return said in self.declared(r)[1] or (cn is not None and said == cn.shown_cls and cn.shown_cls in r.names)

    def _titled(self, title: str, r: Raw) -> bool:
        if title in (r.title, r.type) or title in r.names or title in self.declared(r)[1]:
            return True
        cn = self.wf.nodes.get(r.id)  # a file it loads, said by its name
        values = list(r.values.values()) + (list(cn.widgets.values()) if cn is not None else []) + (
            list(cn.raw) if cn is not None and isinstance(cn.raw, list) else [])
        if any(isinstance(v, str) and (v == title or os.path.basename(v.replace("\\", "/")) == title) for v in values):
            return True
        cut = re.match(r"^(.*)(?:…|\.\.\.)", title)
        return bool(cut) and (r.title or r.type).startswith(cut.group(1)[:20])

    def _has_input(self, r: Raw, name: str) -> bool:
        if name in r.inputs or name in r.values:
            return True
        cn = self.wf.nodes.get(r.id)
        if cn is not None and (name in cn.links or name in cn.widgets or name in cn.in_types):
            return True
        return name in self.declared(r)[0]

    def _feeds(self, a: str, b: str, name: str) -> bool:
        """Input ``name`` of node b is wired, from node a (through any nodes between: the flat links)."""
        cb = self.wf.nodes.get(b)
        if cb is None:
            return True  # (a node the reading reads away: not judged)
        src = cb.links.get(name)
        if src is None:
            port = next((k for k, v in cb.ports.items() if v == name), None)
            src = cb.links.get(port) if port else None
        if src is None:
            return False
        seen, todo = set(), [src[0]]
        while todo:  # a upstream of that input
            x = todo.pop()
            if x == a or x.startswith(a + ":"):
                return True
            if x in seen or len(seen) > 5000:
                continue
            seen.add(x)
            n = self.wf.nodes.get(x)
            todo += [s for s, _ in n.links.values()] if n is not None else []
        return False

    def _subject(self, s: str, at: int) -> str | None:
        """The node a clause's settings are of: the first '(Type, #id)' of the sentence."""
        m = TYPE_ID.search(s, 0, at)
        return m.group(2) if m else None

    def _values(self, s: str, nid: str, text: str, as_saved: bool = False) -> None:
        """The settings ``text`` says of node ``nid`` are its saved values (a wired one: the value worked out, or
        with ``as_saved`` the value the file keeps for it)."""
        r = self.raw.get(nid)
        cn = self.wf.nodes.get(nid)
        if r is None:
            return
        saved = dict(r.values)
        if cn is not None:
            for k, v in cn.widgets.items():
                saved.setdefault(k, v)
            for k in cn.links if not as_saved else ():  # a wired setting: its value worked out, else not judged
                saved[k] = self.wf.value(cn, k)
        for k, v in _pairs(text, set(saved) | self.declared(r)[0] | (set(cn.in_types) if cn is not None else set())):
            if k not in saved:
                continue
            v = re.sub(r"(?:^| )\(?wired\)?$", "", clause_value(v).strip())  # ('text_c wired': no value said)
            if not v:
                continue
            v = re.sub(r",?(?:…|\.\.\.)(?: \(\d[\d,]* more characters?\))?", "…", v)
            if saved[k] is None or v.startswith("(wired") or v.startswith("(a link"):
                continue
            if isinstance(saved[k], (list, dict)):
                continue
            if not _same(v, saved[k]):
                self.bad("value", s, f"#{nid}'s {k} is said {v!r}; the file saves {saved[k]!r}")

    def _size(self, s: str, latent: str, way: str, sampler: str) -> None:
        ways = set(re.findall(r"#(" + ID + r")\)", way))
        cs = self.wf.nodes.get(sampler)
        if cs is None:
            return
        seen, todo = set(), [cs]
        while todo:  # from the sampler back through the nodes said, to the node said
            n = todo.pop()
            for src, _ in n.links.values():
                if src == latent:
                    return
                if src in ways and src not in seen:
                    seen.add(src)
                    if src in self.wf.nodes:
                        todo.append(self.wf.nodes[src])
        self.bad("size", s, f"#{latent} does not give sampler #{sampler}'s inputs"
                 + (" through the nodes said" if ways else " directly (nodes between are not said)"))

    def dropped(self) -> None:
        made = set(self.conv.origin.values())
        passed, dropped = set(self.conv.passed), set(self.conv.dropped)
        for nid in sorted(dropped & passed):
            self.bad("dropped", f"#{nid}", f"#{nid} is listed as not converted and as passed with a sentence")
        for nid in sorted(dropped & made):
            self.bad("dropped", f"#{nid}", f"#{nid} is listed as not converted and is made into a Studio node")
        for nid in sorted(passed & made):
            self.bad("dropped", f"#{nid}", f"#{nid} is passed over with a sentence and is made into a Studio node")


def files(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        p = os.path.expanduser(p)
        if os.path.isfile(p):
            out.append(p)
        for root, _, names in os.walk(p, followlinks=True):
            out += [os.path.join(root, n) for n in sorted(names) if n.lower().endswith(".json")]
    return sorted(set(out))


def check_file(path: str) -> list[tuple[str, str, str]] | None:
    """The violations of one workflow file; None when it is not a workflow Studio converts."""
    from studio.core.errors import StudioError
    try:
        return Checker(path).check()
    except StudioError:
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--json")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    counts: collections.Counter = collections.Counter()
    per_file: collections.Counter = collections.Counter()
    found = []
    n = 0
    for p in files(a.paths):
        vs = check_file(p)
        if vs is None:
            continue
        n += 1
        for rule, s, why in vs:
            counts[rule] += 1
            per_file[rule, p] += 1
            found.append({"file": p, "rule": rule, "sentence": s, "why": why})
            if not a.quiet:
                print(f"{p}\n  [{rule}] {why}\n  {s[:400]}")
    files_with = collections.Counter(rule for rule, _ in per_file)
    print(f"{n} workflows; violations per rule (workflows with one):")
    for rule in RULES:
        print(f"  {rule:8s} {counts[rule]:5d} ({files_with[rule]})")
    print(f"  {'all':8s} {sum(counts.values()):5d} ({len({p for _, p in per_file})})")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump({"workflows": n, "counts": dict(counts), "files": dict(files_with), "violations": found},
                      fh, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
