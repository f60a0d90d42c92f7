"""A PyTorch ``.pth`` / ``.pt`` / ``.ckpt`` file's tensors read without unpickling it.

``torch.load(weights_only=True)`` is still Python's unpickler with an allow-list; Studio does not run
it. A file torch saved (its zip format, torch 1.6 and later) is a zip archive of ``<name>/data.pkl``
(a pickle describing the state dict) and ``<name>/data/<key>`` (each storage's raw bytes). This
module reads the archive's directory itself, then walks ``data.pkl``'s opcodes with its own small
interpreter that knows only what a state dict needs: dicts, lists, tuples, strings, numbers and
exactly these globals, each mapped to Studio's own code (nothing named in the file is imported or
called):

- ``collections.OrderedDict`` -> a dict;
- ``torch._utils._rebuild_tensor_v2`` and ``_rebuild_parameter`` -> a tensor viewed from its storage
  (offset, sizes and strides checked against the storage's bytes);
- ``torch.<Type>Storage`` -> the dtype of a storage in ``data/<key>`` (its size checked against the
  archive's record).

Every other global, opcode or shape is refused in words (:class:`TorchFileError`, naming the file, never
quoting a byte of it), as are: a file that is not a regular file (stat'ed, opened without blocking),
more than ``MAX_ENTRIES`` archive records, a ``data.pkl`` over ``MAX_PICKLE`` bytes, more than
``MAX_TENSORS`` tensors, ``MAX_OPS`` opcodes or containers nested deeper than ``MAX_DEPTH`` (or in a
circle), a storage of a size the archive does not hold, and torch's older non-zip format and
TorchScript archives (convert them to ``.safetensors`` where they are trusted)."""
from __future__ import annotations

import os
import stat
import struct
import zipfile

from studio.core.checked_open import ReadRefused, open_checked

MAX_ENTRIES = 20_000  # archive records: an upscaler holds hundreds of storages, a RAFT some hundreds
MAX_TENSORS = 20_000
MAX_PICKLE = 64 << 20
MAX_OPS = 5_000_000
MAX_DEPTH = 16  # a state dict nests 2 or 3 levels ({"params_ema": {name: tensor}})
MAX_BYTES = 8 << 30

_STORAGES = {"FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
             "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16",
             "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool"}


class TorchFileError(ValueError):
    """A torch file Studio does not read, in words (no byte of it quoted)."""


class _Global:
    def __init__(self, name: str):
        self.name = name


class _Dict(dict):
    """An OrderedDict's stand-in (BUILD's state, torch's ``_metadata``, is dropped)."""


def read_torch_file(path: str, what: str = "file", one_tensor: bool = False) -> dict:
    """The state dict in the torch zip file ``path``, its tensors on the CPU, read without unpickling
    (the module's docstring); ``what`` names the file in refusals ("upscaler", "RAFT checkpoint").
    ``one_tensor``: a file holding one bare tensor (``torch.save(tensor)``: FlashVSR's prompt embedding)
    is read too, that tensor returned."""
    def refuse(why: str):
        return TorchFileError(f"{what} '{path}': {why}")
    try:
        st = os.stat(path)
    except OSError as e:
        raise refuse(f"cannot be read ({e.strerror or 'an error of the file system'})") from None
    if not stat.S_ISREG(st.st_mode):
        raise refuse("is not a regular file (a FIFO, a device or a folder): refused before opening it")
    if st.st_size > MAX_BYTES:
        raise refuse(f"is {st.st_size / 1e9:.1f} GB, over the {MAX_BYTES >> 30} GB Studio reads from a torch file")
    try:  # the file read is the file checked (studio.core.checked_open: swapped since, a link out: refused)
        fd, _st = open_checked(path, what, MAX_BYTES)
    except ReadRefused as e:
        raise refuse(e.why) from None
    with os.fdopen(fd, "rb") as f:
        head = f.read(4)
        if head != b"PK\x03\x04":
            if head[:1] == b"\x80":
                raise refuse("is in torch's old (non-zip) format, which only Python's unpickler reads: Studio never "
                             "unpickles. Convert it to .safetensors once where you trust it")
            raise refuse("is not a torch zip archive")
        _check_directory(f, st.st_size, refuse)
        try:
            z = zipfile.ZipFile(f)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise refuse("is a damaged zip archive (truncated?)") from None
        with z:
            return _state_dict(z, refuse, one_tensor)


def _check_directory(f, size: int, refuse) -> None:
    """The archive's record count from its end record, before zipfile reads every record."""
    f.seek(max(0, size - 65_557))
    tail = f.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise refuse("is a zip archive without its end record (truncated?)")
    entries = struct.unpack("<H", tail[at + 10:at + 12])[0]
    z64 = tail.rfind(b"PK\x06\x06")
    if z64 >= 0 and len(tail) - z64 >= 56:
        entries = max(entries, struct.unpack("<Q", tail[z64 + 32:z64 + 40])[0])
    if entries > MAX_ENTRIES:
        raise refuse(f"its archive claims {entries:,} records, over Studio's limit of {MAX_ENTRIES:,}")


def _state_dict(z: zipfile.ZipFile, refuse, one_tensor: bool = False) -> dict:
    infos = z.infolist()
    if len(infos) > MAX_ENTRIES:
        raise refuse(f"its archive holds {len(infos):,} records, over Studio's limit of {MAX_ENTRIES:,}")
    pkls = [i for i in infos if i.filename.endswith("/data.pkl") and i.filename.count("/") == 1]
    if any(i.filename.endswith(("/constants.pkl", "/code/")) or "/code/" in i.filename for i in infos):
        raise refuse("is a TorchScript archive (code and weights): Studio reads state dicts of tensors only")
    if len(pkls) != 1:
        raise refuse("is not a torch state dict archive (no single data.pkl)")
    root = pkls[0].filename[:-len("data.pkl")]
    order = root + "byteorder"
    if order in z.NameToInfo and z.read(order).strip() not in (b"little", b""):
        raise refuse("is saved big-endian: Studio reads little-endian torch files")
    if pkls[0].file_size > MAX_PICKLE:
        raise refuse(f"its data.pkl is {pkls[0].file_size:,} bytes, over Studio's limit of {MAX_PICKLE:,}")
    data = z.read(pkls[0])
    if len(data) > MAX_PICKLE:
        raise refuse("its data.pkl is larger than its record says")
    storages: dict[str, object] = {}

    def storage(pid):
        import torch
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage" and isinstance(pid[1], _Global)
                and isinstance(pid[2], str) and type(pid[4]) is int):
            raise refuse("it names a storage Studio does not know")
        dtype = _STORAGES.get(pid[1].name.rpartition(".")[2]) if pid[1].name.startswith("torch.") else None
        if dtype is None:
            raise refuse("it names a storage type Studio does not know")
        key = pid[2]
        if key in storages:
            return storages[key]
        info = z.NameToInfo.get(f"{root}data/{key}")
        dt = getattr(torch, dtype)
        item = torch.empty((), dtype=dt).element_size()
        if info is None or pid[4] < 0 or info.file_size != pid[4] * item:
            raise refuse("a tensor's storage is missing or not of the size its description says (truncated?)")
        raw = bytearray(z.read(info))
        if len(raw) != info.file_size:
            raise refuse("a tensor's storage is cut short")
        s = torch.frombuffer(raw, dtype=dt) if raw else torch.empty(0, dtype=dt)
        storages[key] = s
        return s
    return _Unpickler(data, storage, refuse).run(one_tensor)


def _tensor(args, refuse):
    """``_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`` as a view
    of the storage, its extent checked."""
    import torch
    if not (isinstance(args, tuple) and len(args) >= 4 and isinstance(args[0], torch.Tensor)):
        raise refuse("a tensor's description is not one Studio reads")
    s, off, size, stride = args[:4]
    if not (type(off) is int and isinstance(size, tuple) and isinstance(stride, tuple) and len(size) == len(stride)
            and len(size) <= 8 and all(type(x) is int and x >= 0 for x in size + stride) and off >= 0):
        raise refuse("a tensor's sizes or strides are not whole numbers")
    if 0 not in size:
        last = off + sum((n - 1) * st for n, st in zip(size, stride))
        if last >= s.numel():
            raise refuse("a tensor reaches past its storage")
    return s.as_strided(size, stride, off) if s.numel() else torch.empty(size, dtype=s.dtype)


class _Unpickler:
    """The opcodes of protocols 2-5 that a state dict uses, walked by hand (no ``pickle`` import)."""

    def __init__(self, data: bytes, storage, refuse):
        self.d, self.i, self.storage, self.refuse = data, 0, storage, refuse
        self.stack: list = []
        self.marks: list[int] = []
        self.memo: dict[int, object] = {}
        self.tensors = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.i + n > len(self.d):
            raise self.refuse("its data.pkl is cut short or damaged")
        b = self.d[self.i:self.i + n]
        self.i += n
        return b

    def num(self, fmt: str) -> int:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def text(self, n: int) -> str:
        try:
            return self.take(n).decode("utf-8")
        except UnicodeDecodeError:
            raise self.refuse("its data.pkl holds text that is not UTF-8") from None

    def pop_mark(self) -> list:
        if not self.marks:
            raise self.refuse("its data.pkl is damaged (an unmatched mark)")
        at = self.marks.pop()
        items = self.stack[at:]
        del self.stack[at:]
        return items

    def pop(self):
        if not self.stack or (self.marks and len(self.stack) <= self.marks[-1]):
            raise self.refuse("its data.pkl is damaged (an empty stack)")
        return self.stack.pop()

    def run(self, one_tensor: bool = False):
        ops = 0
        while True:
            ops += 1
            if ops > MAX_OPS:
                raise self.refuse(f"its data.pkl runs past {MAX_OPS:,} steps")
            op = self.take(1)[0]
            fn = _OPS.get(op)
            if fn is None:
                raise self.refuse(f"its data.pkl uses an operation Studio does not read (opcode {op})")
            if fn(self) is _STOP:
                break
        if len(self.stack) != 1 or self.marks:
            raise self.refuse("its data.pkl is damaged (it does not end in one value)")
        out = self.stack[0]
        _check_tree(out, self.refuse, one_tensor)
        return out

    def call(self, g, args):
        if not isinstance(g, _Global):
            raise self.refuse("its data.pkl calls something that is not a global Studio allows")
        if g.name == "collections.OrderedDict":
            if args not in ((), ([],)):
                raise self.refuse("an OrderedDict is made with arguments Studio does not read")
            return _Dict()
        if g.name in ("torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor"):
            self.tensors += 1
            if self.tensors > MAX_TENSORS:
                raise self.refuse(f"it holds over {MAX_TENSORS:,} tensors, Studio's limit")
            return _tensor(args, self.refuse)
        if g.name == "torch._utils._rebuild_parameter":
            import torch
            if not (isinstance(args, tuple) and args and isinstance(args[0], torch.Tensor)):
                raise self.refuse("a parameter's description is not one Studio reads")
            return args[0]
        raise self.refuse("its data.pkl calls a global Studio does not allow (it could run code)")


_STOP = object()
_ALLOWED = {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_parameter"} | {f"torch.{s}" for s in _STORAGES}


def _global(u: _Unpickler, module, name):
    if not isinstance(module, str) or not isinstance(name, str):
        raise u.refuse("its data.pkl is damaged (a global that is not named)")
    full = f"{module}.{name}"
    if full not in _ALLOWED:
        raise u.refuse("its data.pkl names a global Studio does not allow (it could run code; Studio never "
                       "unpickles: convert the file to .safetensors once where you trust it)")
    u.stack.append(_Global(full))


def _line(u: _Unpickler) -> str:
    end = u.d.find(b"\n", u.i, u.i + 256)
    if end < 0:
        raise u.refuse("its data.pkl is damaged")
    s = u.d[u.i:end].decode("ascii", "replace")
    u.i = end + 1
    return s


def _setitems(u: _Unpickler, items: list) -> None:
    d = u.pop()
    if not isinstance(d, dict) or len(items) % 2:
        raise u.refuse("its data.pkl is damaged (items set on what is not a dict)")
    for k, v in zip(items[::2], items[1::2]):
        if not isinstance(k, (str, int)):
            raise u.refuse("a key of its state dict is not text or a number")
        d[k] = v
    u.stack.append(d)


def _appends(u: _Unpickler, items: list) -> None:
    lst = u.pop()
    if not isinstance(lst, list):
        raise u.refuse("its data.pkl is damaged (items appended to what is not a list)")
    lst.extend(items)
    u.stack.append(lst)


def _build(u: _Unpickler) -> None:
    u.pop()  # the state: an OrderedDict's attributes (torch's _metadata), not needed for the tensors
    if not u.stack:
        raise u.refuse("its data.pkl is damaged")


def _memo_put(u: _Unpickler, k: int) -> None:
    if not u.stack:
        raise u.refuse("its data.pkl is damaged")
    if len(u.memo) > 4 * MAX_OPS // 5:
        raise u.refuse("its data.pkl remembers too many values")
    u.memo[k] = u.stack[-1]


def _memo_get(u: _Unpickler, k: int) -> None:
    if k not in u.memo:
        raise u.refuse("its data.pkl is damaged (a value it never made)")
    u.stack.append(u.memo[k])


def _reduce(u: _Unpickler) -> None:
    args = u.pop()
    g = u.pop()
    u.stack.append(u.call(g, args))


_OPS = {
    0x80: lambda u: u.take(1),                                        # PROTO
    0x95: lambda u: u.take(8),                                        # FRAME
    ord("."): lambda u: _STOP,                                        # STOP
    ord("("): lambda u: u.marks.append(len(u.stack)),                 # MARK
    ord("}"): lambda u: u.stack.append({}),                           # EMPTY_DICT
    ord("]"): lambda u: u.stack.append([]),                           # EMPTY_LIST
    ord(")"): lambda u: u.stack.append(()),                           # EMPTY_TUPLE
    ord("N"): lambda u: u.stack.append(None),                         # NONE
    0x88: lambda u: u.stack.append(True),                             # NEWTRUE
    0x89: lambda u: u.stack.append(False),                            # NEWFALSE
    ord("K"): lambda u: u.stack.append(u.num("<B")),                  # BININT1
    ord("M"): lambda u: u.stack.append(u.num("<H")),                  # BININT2
    ord("J"): lambda u: u.stack.append(u.num("<i")),                  # BININT
    0x8A: lambda u: u.stack.append(int.from_bytes(u.take(u.num("<B")), "little", signed=True)),  # LONG1
    ord("G"): lambda u: u.stack.append(u.num(">d")),                  # BINFLOAT
    ord("X"): lambda u: u.stack.append(u.text(u.num("<I"))),          # BINUNICODE
    0x8C: lambda u: u.stack.append(u.text(u.num("<B"))),              # SHORT_BINUNICODE
    0x8D: lambda u: u.stack.append(u.text(u.num("<Q"))),              # BINUNICODE8
    ord("U"): lambda u: u.stack.append(u.take(u.num("<B")).decode("latin-1")),  # SHORT_BINSTRING
    ord("T"): lambda u: u.stack.append(u.take(u.num("<I")).decode("latin-1")),  # BINSTRING
    ord("C"): lambda u: u.stack.append(u.take(u.num("<B"))),          # SHORT_BINBYTES
    ord("B"): lambda u: u.stack.append(u.take(u.num("<I"))),          # BINBYTES
    ord("t"): lambda u: u.stack.append(tuple(u.pop_mark())),          # TUPLE
    0x85: lambda u: u.stack.append((u.pop(),)),                       # TUPLE1
    0x86: lambda u: u.stack.append(tuple(reversed([u.pop(), u.pop()]))),           # TUPLE2
    0x87: lambda u: u.stack.append(tuple(reversed([u.pop(), u.pop(), u.pop()]))),  # TUPLE3
    ord("l"): lambda u: u.stack.append(list(u.pop_mark())),           # LIST
    ord("s"): lambda u: _setitems(u, list(reversed([u.pop(), u.pop()]))),           # SETITEM
    ord("u"): lambda u: _setitems(u, u.pop_mark()),                   # SETITEMS
    ord("a"): lambda u: _appends(u, [u.pop()]),                       # APPEND
    ord("e"): lambda u: _appends(u, u.pop_mark()),                    # APPENDS
    ord("q"): lambda u: _memo_put(u, u.num("<B")),                    # BINPUT
    ord("r"): lambda u: _memo_put(u, u.num("<I")),                    # LONG_BINPUT
    0x94: lambda u: _memo_put(u, len(u.memo)),                        # MEMOIZE
    ord("h"): lambda u: _memo_get(u, u.num("<B")),                    # BINGET
    ord("j"): lambda u: _memo_get(u, u.num("<I")),                    # LONG_BINGET
    ord("c"): lambda u: _global(u, _line(u), _line(u)),               # GLOBAL
    0x93: lambda u: (lambda name, module: _global(u, module, name))(u.pop(), u.pop()),  # STACK_GLOBAL
    ord("R"): _reduce,                                                # REDUCE
    ord("Q"): lambda u: u.stack.append(u.storage(u.pop())),           # BINPERSID
    ord("b"): _build,                                                 # BUILD
    ord("0"): lambda u: u.pop(),                                      # POP
}


def _check_tree(root, refuse, one_tensor: bool = False) -> None:
    """The result nests at most MAX_DEPTH levels and holds no circle (a memo can make one), walked
    without recursion."""
    seen: set[int] = set()
    todo = [(root, 0)]
    while todo:
        v, depth = todo.pop()
        if isinstance(v, (dict, list, tuple)):
            if depth > MAX_DEPTH:
                raise refuse(f"its contents nest deeper than {MAX_DEPTH} levels")
            if id(v) in seen and not isinstance(v, tuple):
                raise refuse("its contents hold themselves (a circle)")
            seen.add(id(v))
            todo.extend((x, depth + 1) for x in (v.values() if isinstance(v, dict) else v))
    if not isinstance(root, dict) and not (one_tensor and type(root).__name__ == "Tensor"):
        raise refuse(f"holds a {type(root).__name__}, not a table of tensors")
