#!/usr/bin/python3
"""Write broken and hostile TorchScript archives for irc's importer tests.

Usage:
    /usr/bin/python3 scripts/make_hostile_archives.py OUTDIR [--force] [--no-torch-check]

The script builds one small valid archive with torch (a scripted module with a conv
weight buffer, a List[int] attribute and a submodule; `torch.jit.save` to a buffer,
so its top-level folder is `archive/`), then derives every case from it:

  * zip-container defects are byte patches of the archive exactly as torch wrote it
    (64-byte aligned, data descriptors, ZIP64 end records);
  * record-level defects (pickles, code, version, names) are re-zipped with Python's
    `zipfile`: tensor and pickle records ZIP_STORED, code ZIP_DEFLATED, the
    `archive/` prefix kept, and every record's data aligned to 64 bytes with the
    same "FB" extra-field padding torch uses.  Pickles come from a small opcode
    emitter (see `Pickle`); the valid data.pkl re-emitted by it is a control case.

OUTDIR/hostile.json lists every file:
    {file, what, expect, check, size, torch_loads, torch_runs, torch_error}
  expect       short lowercase phrase the importer's error message should contain;
               "" for control cases that are valid (the importer may accept them)
  torch_loads  whether `torch.jit.load` accepted the file (tried in a separate worker
               process with a timeout and an address-space limit, since some
               files could crash torch); null with --no-torch-check
  torch_runs   when it loaded: whether forward(torch.ones(1, 3, 8, 8)) ran
  torch_error  the first line of torch's error (or "crashed: signal N" / "timeout")
  check        how this script confirmed the defect with Python's own zipfile /
               pickletools / ast, independent of torch

Pickle payloads that would run a command only ever `touch` the marker file
/tmp/irc_hostile_pwned; the torch check fails loudly if it appears.

Regeneration is skipped when OUTDIR/hostile.json is newer than this script and all
listed files exist (--force overrides).
"""

import argparse
import ast
import io
import json
import os
import pickletools
import select
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

warnings.filterwarnings("ignore")  # zipfile warns about the duplicate-name case

SCRIPT_PATH = os.path.abspath(__file__)
PREFIX = "archive/"
PWNED_MARKER = "/tmp/irc_hostile_pwned"


# ---------------------------------------------------------------------------------------
# The valid base module
# ---------------------------------------------------------------------------------------


class HostileSub(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = 2.0

    def forward(self, x: Tensor) -> Tensor:
        return x * self.scale


class HostileBase(nn.Module):
    """Records: data/0 (the 4x3x3x3 float weight), data.pkl, code/__torch__.py
    (both classes), its .debug_pkl, constants.pkl (empty tuple), version ("3")."""

    sizes: List[int]

    def __init__(self):
        super().__init__()
        self.register_buffer("weight", torch.randn(4, 3, 3, 3))
        self.sizes = [1, 2, 3]
        self.sub = HostileSub()

    def forward(self, x: Tensor) -> Tensor:
        return self.sub(F.conv2d(x, self.weight)) + float(self.sizes[0])


def build_base() -> bytes:
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(HostileBase().eval()), buf)
    return buf.getvalue()


def read_records(archive: bytes) -> List[Tuple[str, bytes]]:
    """(name without the prefix, content) in archive order."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        out = []
        for info in z.infolist():
            assert info.filename.startswith(PREFIX), info.filename
            out.append((info.filename[len(PREFIX):], z.read(info)))
        return out


# ---------------------------------------------------------------------------------------
# A small pickle opcode emitter (protocol 2 subset that torch writes, plus whatever the
# hostile cases need).  Opcode bytes as in Python's pickletools.
# ---------------------------------------------------------------------------------------


class Pickle:
    def __init__(self, protocol: int = 2):
        self.b = bytearray()
        if protocol is not None:
            self.b += bytes([0x80, protocol])  # PROTO

    def raw(self, data: bytes) -> "Pickle":
        self.b += data
        return self

    def glob(self, module: str, name: str) -> "Pickle":  # GLOBAL 'module name'
        return self.raw(b"c" + f"{module}\n{name}\n".encode())

    def mark(self):
        return self.raw(b"(")

    def empty_tuple(self):
        return self.raw(b")")

    def empty_list(self):
        return self.raw(b"]")

    def empty_dict(self):
        return self.raw(b"}")

    def tuple(self):  # TUPLE: items since the last MARK
        return self.raw(b"t")

    def tuple1(self):
        return self.raw(b"\x85")

    def tuple2(self):
        return self.raw(b"\x86")

    def append(self):
        return self.raw(b"a")

    def appends(self):
        return self.raw(b"e")

    def setitems(self):
        return self.raw(b"u")

    def newobj(self):
        return self.raw(b"\x81")

    def build(self):
        return self.raw(b"b")

    def reduce(self):
        return self.raw(b"R")

    def binpersid(self):
        return self.raw(b"Q")

    def none(self):
        return self.raw(b"N")

    def bool(self, v: bool):
        return self.raw(b"\x88" if v else b"\x89")  # NEWTRUE / NEWFALSE

    def int(self, v: int):
        if 0 <= v < 256:
            return self.raw(b"K" + bytes([v]))  # BININT1
        if 0 <= v < 65536:
            return self.raw(b"M" + struct.pack("<H", v))  # BININT2
        if -(2**31) <= v < 2**31:
            return self.raw(b"J" + struct.pack("<i", v))  # BININT
        # LONG1: little-endian two's complement.  torch always writes 8 bytes (and its
        # unpickler accepts nothing else); wider values get the minimal length.
        n = 8 if -(2**63) <= v < 2**63 else (v.bit_length() + 8) // 8
        return self.raw(b"\x8a" + bytes([n]) + v.to_bytes(n, "little", signed=True))

    def float(self, v: float):
        return self.raw(b"G" + struct.pack(">d", v))  # BINFLOAT, big-endian

    def str(self, s: str):
        data = s.encode("utf-8")
        return self.raw(b"X" + struct.pack("<I", len(data)) + data)  # BINUNICODE

    def binput(self, i: int):
        return self.raw(b"q" + bytes([i]))

    def binget(self, i: int):
        return self.raw(b"h" + bytes([i]))

    def long_binget(self, i: int):
        return self.raw(b"j" + struct.pack("<I", i))

    def stop(self):
        return self.raw(b".")

    def int_tuple(self, values: Sequence[int]):
        if not values:
            return self.empty_tuple()
        self.mark()
        for v in values:
            self.int(v)
        return self.tuple()

    def bytes(self) -> bytes:
        return bytes(self.b)


@dataclass
class TensorSpec:
    """The `_rebuild_tensor_v2` call for the weight buffer (defaults = the real one)."""

    storage_module: str = "torch"
    storage_class: str = "FloatStorage"
    key: str = "0"
    location: str = "cpu"
    numel: int = 108
    offset: int = 0
    sizes: Sequence[int] = (4, 3, 3, 3)
    strides: Sequence[int] = (27, 9, 3, 1)
    persid: Optional[Callable[[Pickle], None]] = None  # replaces the persistent-id tuple


def emit_tensor(p: Pickle, t: TensorSpec) -> None:
    p.glob("torch._utils", "_rebuild_tensor_v2")
    p.mark()
    if t.persid is not None:
        t.persid(p)
    else:  # ('storage', torch.FloatStorage, key, location, numel)
        p.mark().str("storage").glob(t.storage_module, t.storage_class)
        p.str(t.key).str(t.location).int(t.numel).tuple()
    p.binpersid()
    p.int(t.offset)
    p.int_tuple(t.sizes)
    p.int_tuple(t.strides)
    p.bool(False)  # requires_grad
    p.glob("collections", "OrderedDict").empty_tuple().reduce()  # backward_hooks
    p.tuple().reduce()


def emit_intlist(p: Pickle, values: Sequence[int] = (1, 2, 3)) -> None:
    p.glob("torch.jit._pickle", "build_intlist").mark().empty_list().mark()
    for v in values:
        p.int(v)
    p.appends().tuple().reduce()


def module_pickle(tensor: TensorSpec = None,
                  sizes_value: Callable[[Pickle], None] = emit_intlist,
                  root: Tuple[str, str] = ("__torch__", "HostileBase"),
                  protocol: int = 2, stop: bool = True) -> bytes:
    """data.pkl of HostileBase, equivalent to the one torch writes (without memo
    puts).  `sizes_value` emits the value of the `sizes` attribute, where most
    hostile payloads go, deep inside the module state."""
    p = Pickle(protocol)
    p.glob(*root).empty_tuple().newobj().empty_dict().mark()
    p.str("weight")
    emit_tensor(p, tensor or TensorSpec())
    p.str("training").bool(False)
    p.str("_is_full_backward_hook").none()
    p.str("sizes")
    sizes_value(p)
    p.str("sub")
    p.glob("__torch__", "HostileSub").empty_tuple().newobj().empty_dict().mark()
    p.str("training").bool(False).str("_is_full_backward_hook").none()
    p.str("scale").float(2.0)
    p.setitems().build()
    p.setitems().build()
    if stop:
        p.stop()
    return p.bytes()


def standalone(*ops: Callable[[Pickle], object]) -> bytes:
    """PROTO 2, the given ops, STOP."""
    p = Pickle()
    for op in ops:
        op(p)
    return p.stop().bytes()


# ---------------------------------------------------------------------------------------
# Zip writing (zipfile, with torch-like 64-byte alignment) and byte-level patching
# ---------------------------------------------------------------------------------------

Record = Tuple[str, bytes]  # (name without prefix, content)


def make_zip(records: Sequence[Record], align: bool = True, prefix: str = PREFIX,
             methods: Optional[Dict[str, int]] = None) -> bytes:
    """A zip of `records` under `prefix`.  Code records are deflated, the rest stored
    (override per name with `methods`).  With `align`, a local-header extra field
    0x4246 ("FB") of 'Z' padding puts every record's data at a multiple of 64."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in records:
            info = zipfile.ZipInfo(prefix + name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = (zipfile.ZIP_DEFLATED if name.startswith("code/")
                                  else zipfile.ZIP_STORED)
            if methods and name in methods:
                info.compress_type = methods[name]
            if align:
                name_len = len(info.filename.encode("utf-8"))
                start = buf.tell() + 30 + name_len + 4  # data start with an empty pad
                pad = (-start) % 64
                info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            z.writestr(info, data)
    return buf.getvalue()


@dataclass
class Entry:
    name: str
    cd_off: int  # central-directory header offset
    lh_off: int  # local header offset
    data_off: int
    csize: int
    usize: int
    method: int
    flags: int
    crc: int


@dataclass
class Layout:
    entries: List[Entry]
    cd_start: int
    cd_size: int
    eocd_off: int
    z64_eocd_off: Optional[int]
    z64_loc_off: Optional[int]

    def entry(self, name: str) -> Entry:
        return next(e for e in self.entries if e.name == PREFIX + name)


def parse_layout(data: bytes) -> Layout:
    """Offsets of every structure in a well-formed zip (ZIP64 end records honoured)."""
    eocd = data.rfind(b"PK\x05\x06")
    count, cd_size, cd_start = struct.unpack_from("<HII", data, eocd + 10)
    z64_eocd = z64_loc = None
    if eocd >= 20 and data[eocd - 20:eocd - 16] == b"PK\x06\x07":
        z64_loc = eocd - 20
        (z64_eocd,) = struct.unpack_from("<Q", data, z64_loc + 8)
        count, cd_size, cd_start = struct.unpack_from("<QQQ", data, z64_eocd + 32)
    entries, pos = [], cd_start
    for _ in range(count):
        assert data[pos:pos + 4] == b"PK\x01\x02"
        flags, method = struct.unpack_from("<HH", data, pos + 8)
        crc, csize, usize = struct.unpack_from("<III", data, pos + 16)
        nlen, xlen, clen = struct.unpack_from("<HHH", data, pos + 28)
        (lh,) = struct.unpack_from("<I", data, pos + 42)
        name = data[pos + 46:pos + 46 + nlen].decode("utf-8")
        lnlen, lxlen = struct.unpack_from("<HH", data, lh + 26)
        entries.append(Entry(name, pos, lh, lh + 30 + lnlen + lxlen, csize, usize, method,
                             flags, crc))
        pos += 46 + nlen + xlen + clen
    return Layout(entries, cd_start, cd_size, eocd, z64_eocd, z64_loc)


def patch(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new):]


def flip_bit(data: bytes, offset: int, bit: int = 0) -> bytes:
    return patch(data, offset, bytes([data[offset] ^ (1 << bit)]))


def set_u32(data: bytes, offset: int, value: int) -> bytes:
    return patch(data, offset, struct.pack("<I", value))


def set_crc(data: bytes, e: Entry, crc: int) -> bytes:
    """Set an entry's CRC in the central directory and wherever else it is stored
    (the data descriptor of torch's archives, or the local header)."""
    data = set_u32(data, e.cd_off + 16, crc)
    if e.flags & 0x8:
        assert data[e.data_off + e.csize:e.data_off + e.csize + 4] == b"PK\x07\x08"
        data = set_u32(data, e.data_off + e.csize + 4, crc)
    else:
        data = set_u32(data, e.lh_off + 14, crc)
    return data


def set_usize(data: bytes, e: Entry, usize: int) -> bytes:
    data = set_u32(data, e.cd_off + 24, usize)
    if e.flags & 0x8:
        data = set_u32(data, e.data_off + e.csize + 12, usize)
    else:
        data = set_u32(data, e.lh_off + 22, usize)
    return data


# ---------------------------------------------------------------------------------------
# Independent checks (Python's zipfile / pickletools / ast), returning evidence text
# ---------------------------------------------------------------------------------------


def zip_error(data: bytes) -> str:
    """What Python's zipfile says when opening and reading every member."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                try:
                    z.read(info)
                except Exception as e:  # noqa: BLE001 - any failure is the evidence
                    return f"zipfile: reading {info.filename}: {type(e).__name__}: " \
                           f"{str(e)[:120]}"
            return "zipfile: reads fine"
    except Exception as e:  # noqa: BLE001
        return f"zipfile: {type(e).__name__}: {str(e)[:120]}"


def expect_zip_error(data: bytes) -> str:
    msg = zip_error(data)
    assert msg != "zipfile: reads fine", "zip defect not detected by zipfile"
    return msg


def pickle_error(pkl: bytes) -> str:
    try:
        pickletools.dis(pkl, out=io.StringIO())
        return "pickletools: parses"
    except Exception as e:  # noqa: BLE001
        return f"pickletools: {type(e).__name__}: {str(e)[:120]}"


def record_of(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(PREFIX + name)


def check_pickle_breaks(record: str = "data.pkl") -> Callable[[bytes], str]:
    def check(data: bytes) -> str:
        msg = pickle_error(record_of(data, record))
        assert msg != "pickletools: parses", "pickle defect not detected by pickletools"
        return msg
    return check


def check_pickle_has_global(glob: str) -> Callable[[bytes], str]:
    def check(data: bytes) -> str:
        pkl = record_of(data, "data.pkl")
        found = [a for op, a, _ in pickletools.genops(pkl) if op.name == "GLOBAL"]
        assert glob in found, found
        return f"pickletools: GLOBAL '{glob}' present; zip reads fine"
    return check


def check_pickle_parses(what: str) -> Callable[[bytes], str]:
    """For semantic defects (tensor metadata): the pickle itself is well formed."""
    def check(data: bytes) -> str:
        assert zip_error(data) == "zipfile: reads fine"
        msg = pickle_error(record_of(data, "data.pkl"))
        assert msg == "pickletools: parses", msg
        return f"zip and pickle well formed; {what}"
    return check


def check_code(test: Callable[[bytes], str]) -> Callable[[bytes], str]:
    def check(data: bytes) -> str:
        return test(record_of(data, "code/__torch__.py"))
    return check


def check_missing(name: str) -> Callable[[bytes], str]:
    def check(data: bytes) -> str:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert PREFIX + name not in z.namelist()
        return f"zipfile: no {PREFIX}{name}"
    return check


def check_reads_fine(data: bytes) -> str:
    msg = zip_error(data)
    assert msg == "zipfile: reads fine", msg
    return msg


# ---------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------


@dataclass
class Case:
    file: str
    what: str
    expect: str
    build: Callable[[], bytes]
    check: Callable[[bytes], str] = check_reads_fine
    control: bool = False  # valid: torch must load it and compute the base output
    # False where torch takes minutes (its forward on a million-element list
    # literal ran 6.5 minutes): such a case is not given to torch at all.
    torch_check: bool = True


def make_cases(base: bytes) -> List[Case]:
    recs = read_records(base)
    rec = dict(recs)
    lay = parse_layout(base)
    pkl_e = lay.entry("data.pkl")
    st_e = lay.entry("data/0")
    code_e = lay.entry("code/__torch__.py")
    code = rec["code/__torch__.py"].decode("utf-8")
    cases: List[Case] = []

    def add(file, what, expect, build, check=check_reads_fine, control=False,
            torch_check=True):
        cases.append(Case(file, what, expect, build, check, control, torch_check))

    def with_records(replace: Dict[str, Optional[bytes]] = None,
                     add_after: Sequence[Record] = (), drop_debug: bool = False,
                     **zip_kw) -> bytes:
        """The base records re-zipped, with some replaced (None = removed)."""
        replace = replace or {}
        out = []
        for name, data in recs:
            if drop_debug and name.endswith(".debug_pkl"):
                continue
            if name in replace:
                if replace[name] is not None:
                    out.append((name, replace[name]))
            else:
                out.append((name, data))
        return make_zip(out + list(add_after), **zip_kw)

    def with_pickle(pkl: bytes) -> bytes:
        return with_records({"data.pkl": pkl})

    def with_code(text: bytes) -> bytes:
        # The .debug_pkl maps byte ranges of the original code; drop it with the edit.
        return with_records({"code/__torch__.py": text}, drop_debug=True)

    # --- controls: valid archives the importer may accept ---------------------------
    add("control_torch_written.pt", "the unmodified base archive exactly as torch.jit.save "
        "wrote it (aligned, data descriptors, ZIP64 end records)", "", lambda: base,
        control=True)
    add("control_rezipped_aligned.pt", "base records re-zipped by zipfile with 64-byte "
        "alignment (no data descriptors, no ZIP64 records)", "",
        lambda: with_records(), control=True)
    add("control_reemitted_pickle.pt", "data.pkl re-emitted by this script's opcode "
        "emitter (no memo puts); the baseline of the pickle cases", "",
        lambda: with_pickle(module_pickle()),
        check_pickle_parses("equivalent to torch's data.pkl"), control=True)
    add("unaligned_but_valid.pt", "base records re-zipped by zipfile without 64-byte "
        "alignment", "", lambda: with_records(align=False),
        lambda d: check_reads_fine(d) + "; data offsets not 64-aligned: " + str(
            [e.data_off % 64 for e in parse_layout(d).entries]), control=True)
    add("prefix_not_archive_valid.pt", "valid archive whose top-level folder is "
        "'renamed_model/' (torch names it after the file saved to), not 'archive/' and "
        "not this file's basename", "", build_renamed_prefix,
        lambda d: "zipfile: first entry " + zipfile.ZipFile(io.BytesIO(d)).namelist()[0],
        control=True)
    add("deflated_records_valid.pt", "data.pkl, data/0, constants.pkl and version "
        "DEFLATE-compressed (as a generic re-zip would do)", "",
        lambda: with_records(methods={n: zipfile.ZIP_DEFLATED for n, _ in recs}),
        control=True)

    # --- not a zip -------------------------------------------------------------------
    add("empty.pt", "empty file (0 bytes)", "empty", lambda: b"", expect_zip_error)
    add("not_a_zip_text.pt", "a text file", "not a zip",
        lambda: b"this is not a TorchScript archive\n" * 8, expect_zip_error)
    add("not_a_zip_random.pt", "1 KiB of pseudo-random bytes", "not a zip",
        lambda: bytes((i * 2654435761 >> 13) & 0xFF for i in range(1024)), expect_zip_error)
    add("legacy_torch_save.pt", "torch.save(state_dict, _use_new_zipfile_serialization="
        "False): the pre-1.6 raw pickle format", "not a zip", build_legacy_save,
        expect_zip_error)
    add("state_dict_not_torchscript.pt", "torch.save(state_dict) zip: data.pkl is an "
        "OrderedDict of tensors, no code/ and no constants.pkl", "missing record",
        build_state_dict_zip, lambda d: check_reads_fine(d) + "; records: " + ", ".join(
            n.split("/", 1)[1] for n in zipfile.ZipFile(io.BytesIO(d)).namelist()))

    # --- truncations of the torch-written archive -------------------------------------
    cuts = [
        ("trunc_in_local_header", 12, "inside the first local header"),
        ("trunc_in_storage_data", st_e.data_off + 100, "inside data/0's bytes"),
        ("trunc_in_data_pkl", pkl_e.data_off + pkl_e.csize // 2, "in the middle of data.pkl"),
        ("trunc_in_deflated_code", code_e.data_off + code_e.csize // 2,
         "inside the deflated code/__torch__.py"),
        ("trunc_in_central_directory", lay.cd_start + lay.cd_size // 2,
         "in the middle of the central directory"),
        ("trunc_in_zip64_eocd", lay.z64_eocd_off + 20, "inside the ZIP64 end record"),
        ("trunc_in_zip64_locator", lay.z64_loc_off + 10, "inside the ZIP64 locator"),
        ("trunc_in_eocd", lay.eocd_off + 10, "cutting the end-of-central-directory record"),
        ("trunc_last_byte", len(base) - 1, "the last byte removed"),
        ("trunc_half", len(base) // 2, "cut at half its size"),
    ]
    for name, at, where in cuts:
        add(f"{name}.pt", f"torch archive truncated at byte {at} of {len(base)} ({where})",
            "truncated", (lambda at=at: base[:at]), expect_zip_error)

    # --- bit flips and lies in the zip structures --------------------------------------
    add("bitflip_cd_signature.pt", "a bit flipped in the first central-directory header "
        "signature", "central directory", lambda: flip_bit(base, lay.entries[0].cd_off + 2),
        expect_zip_error)
    add("cd_local_offset_wrong.pt", "data.pkl's central-directory entry points 7 bytes past "
        "its local header", "local header",
        lambda: set_u32(base, pkl_e.cd_off + 42, pkl_e.lh_off + 7), expect_zip_error)
    add("cd_offset_beyond_eof.pt", "both end records put the central directory past the "
        "end of the file", "central directory",
        lambda: set_cd_offset(base, lay, len(base) + 4096), expect_zip_error)
    add("eocd_entry_count_too_high.pt", "both end records claim 7 entries; there are 6",
        "central directory", lambda: set_entry_count(base, lay, len(lay.entries) + 1),
        lambda d: zip_error(d) + "; EOCD count " + str(struct.unpack_from(
            "<H", d, lay.eocd_off + 10)[0]) + f", {len(lay.entries)} headers")
    add("zip64_locator_beyond_eof.pt", "the ZIP64 locator points past the end of the file",
        "zip64", lambda: patch(base, lay.z64_loc_off + 8, struct.pack("<Q", 1 << 40)),
        lambda d: zip_error(d) + " (it ignores the locator's offset); locator -> " + str(
            struct.unpack_from("<Q", d, lay.z64_loc_off + 8)[0]) + f", file {len(d)} bytes")
    add("zip64_eocd_bad_signature.pt", "a bit flipped in the ZIP64 end record signature",
        "zip64", lambda: flip_bit(base, lay.z64_eocd_off + 3), expect_zip_error)
    add("crc_mismatch_data_pkl.pt", "a bit flipped in data.pkl's CRC-32 (central directory "
        "and data descriptor)", "crc",
        lambda: set_crc(base, pkl_e, pkl_e.crc ^ 0x10), expect_zip_error)
    add("crc_mismatch_storage_bytes.pt", "a bit flipped inside data/0's bytes, CRC "
        "unchanged", "crc", lambda: flip_bit(base, st_e.data_off + 50, 3), expect_zip_error)
    add("bitflip_data_pkl_opcode.pt", "bit 6 of data.pkl's NEWOBJ opcode flipped (0x81 -> "
        "0xc1, no such opcode), CRC left stale", "crc",
        lambda: flip_bit(base, pkl_e.data_off + 28, 6), expect_zip_error)
    add("bitflip_data_pkl_opcode_crc_fixed.pt", "bit 6 of data.pkl's NEWOBJ opcode "
        "flipped (0x81 -> 0xc1, no such opcode) and the CRC updated to match", "opcode",
        lambda: flip_opcode_fix_crc(base, pkl_e), check_pickle_breaks())
    add("deflate_declared_size_huge.pt", "code/__torch__.py (deflated, 692 bytes) declares an "
        "uncompressed size of 0xFFFFFFF0", "size",
        lambda: set_usize(base, code_e, 0xFFFFFFF0),
        lambda d: zip_error(d) + " (it does not compare sizes); declared " + str(
            parse_layout(d).entry("code/__torch__.py").usize) + ", inflates to " + str(len(
                zlib.decompress(d[code_e.data_off:code_e.data_off + code_e.csize], -15))))
    add("stored_size_beyond_eof.pt", "data/0 (stored) declares 0x7FFFFF00 bytes in the "
        "central directory, past the end of the file", "size",
        lambda: patch(base, st_e.cd_off + 20, struct.pack("<II", 0x7FFFFF00, 0x7FFFFF00)),
        expect_zip_error)
    add("deflate_bomb_1gib.pt", "code/__torch__.py is a real deflate bomb: 1 MiB "
        "that inflates to 1 GiB (sizes declared truthfully)", "inflate to over", build_bomb,
        lambda d: "zip: " + ", ".join(f"{e.name} {e.csize}->{e.usize}"
                                       for e in parse_layout(d).entries if e.method == 8))
    add("unknown_compression_method.pt", "data.pkl's method set to 14 (LZMA) in the local "
        "header and central directory", "compression",
        lambda: set_method(with_records(), "data.pkl", 14), expect_zip_error)
    add("encrypted_flag.pt", "data.pkl has general-purpose flag bit 0 (encrypted) set",
        "encrypt", lambda: set_flag(with_records(), "data.pkl", 0x1), expect_zip_error)
    add("local_name_mismatch.pt", "data.pkl's local header names 'data.pkm'; the central "
        "directory says 'data.pkl'", "local header",
        lambda: rename_local(with_records(), "data.pkl", "data.pkm"), expect_zip_error)
    add("duplicate_entry.pt", "two entries named archive/data.pkl (the second holds "
        "GLOBAL 'os system')", "duplicate",
        lambda: with_records(add_after=[("data.pkl", module_pickle(
            sizes_value=lambda p: call_global(p, "os", "system")))]),
        check_duplicate)
    add("dotdot_entry.pt", "an extra entry named 'archive/../evil.txt'", "path",
        lambda: with_records(add_after=[("../evil.txt", b"evil\n")]),
        check_name_contains("/../"))
    add("prefixed_absolute_path_entry.pt", "an extra entry named "
        "'archive//tmp/irc_hostile_evil.txt' (absolute once the prefix is stripped; "
        "os.path.join(dir, '/tmp/…') escapes)", "path",
        lambda: with_records(add_after=[("/tmp/irc_hostile_evil.txt", b"evil\n")]),
        check_name_contains("archive//tmp/"))
    add("absolute_path_entry.pt", "the base archive plus an entry named "
        "'/etc/irc_hostile' outside any folder", "path",
        lambda: make_zip_mixed(recs, [("/etc/irc_hostile", b"evil\n")]),
        check_name_contains("/etc/irc_hostile"))
    add("mixed_prefixes.pt", "data.pkl and the storages under 'archive/', code/, "
        "constants.pkl and version under 'other/'", "top-level folder",
        lambda: make_zip_split_prefix(recs), check_reads_fine)
    add("no_top_level_folder.pt", "the records at the zip root with no folder prefix "
        "(data.pkl, data/0, code/…)", "top-level folder",
        lambda: with_records(prefix=""), check_reads_fine)
    add("empty_zip.pt", "a valid zip with no entries", "no records",
        lambda: make_zip([]), check_reads_fine)

    # --- missing or bad records --------------------------------------------------------
    for name in ("data.pkl", "data/0", "version", "constants.pkl"):
        add(f"missing_{name.replace('/', '_').replace('.', '_')}.pt",
            f"no {name} record", "missing record",
            (lambda name=name: with_records({name: None})), check_missing(name))
    add("missing_code.pt", "no code/__torch__.py (nor its .debug_pkl): the classes "
        "named in data.pkl are undefined", "class",
        lambda: with_records({"code/__torch__.py": None, "code/__torch__.py.debug_pkl": None}),
        check_missing("code/__torch__.py"))
    add("version_99.pt", "version record '99'", "version",
        lambda: with_records({"version": b"99\n"}))
    add("version_0.pt", "version record '0'", "version",
        lambda: with_records({"version": b"0\n"}))
    add("version_garbage.pt", "version record 'three'", "version",
        lambda: with_records({"version": b"three\n"}))
    add("version_huge.pt", "version record 2**70", "version",
        lambda: with_records({"version": str(2**70).encode() + b"\n"}))
    add("empty_data_pkl.pt", "data.pkl is 0 bytes", "empty",
        lambda: with_pickle(b""), check_pickle_breaks())

    # --- pickle: dangerous GLOBALs (inside the module state, as the `sizes` value) -----
    touch = f"touch {PWNED_MARKER}"
    globals_cases = [
        ("os", "system", "global_os_system", lambda p: p.str(touch).tuple1()),
        ("builtins", "eval", "global_builtins_eval",
         lambda p: p.str(f"__import__('os').system('{touch}')").tuple1()),
        ("posix", "system", "global_posix_system", lambda p: p.str(touch).tuple1()),
        ("subprocess", "Popen", "global_subprocess_popen",
         lambda p: p.empty_list().mark().str("touch").str(PWNED_MARKER).appends().tuple1()),
        ("torch.serialization", "_load", "global_torch_serialization_load",
         lambda p: p.str("/dev/null").tuple1()),
        ("builtins", "exec", "global_builtins_exec",
         lambda p: p.str(f"import os; os.system('{touch}')").tuple1()),
    ]
    for mod, name, file, args in globals_cases:
        add(f"{file}.pt", f"GLOBAL '{mod} {name}' called via REDUCE as the value of the "
            f"`sizes` attribute", "global",
            (lambda mod=mod, name=name, args=args: with_pickle(module_pickle(
                sizes_value=lambda p: call_global(p, mod, name, args)))),
            check_pickle_has_global(f"{mod} {name}"))
    add("global_builtin_getattr.pt", "GLOBAL '__builtin__ getattr' chain: getattr("
        "__import__('os'), 'system')('touch …')", "global",
        lambda: with_pickle(module_pickle(sizes_value=emit_getattr_chain)),
        check_pickle_has_global("__builtin__ getattr"))
    add("global_unknown_torch_class.pt", "the root object is GLOBAL '__torch__ NoSuchClass', "
        "a class not defined in code/", "class",
        lambda: with_pickle(module_pickle(root=("__torch__", "NoSuchClass"))),
        check_pickle_has_global("__torch__ NoSuchClass"))

    # --- pickle: structural defects ----------------------------------------------------
    add("reduce_non_callable.pt", "REDUCE applied to an int (BININT1 5, EMPTY_TUPLE, REDUCE) "
        "as the `sizes` value", "callable",
        lambda: with_pickle(module_pickle(
            sizes_value=lambda p: p.int(5).empty_tuple().reduce())),
        check_pickle_parses("REDUCE's callable is the int 5"))
    add("unknown_opcode.pt", "opcode byte 0xd0 (undefined) as the `sizes` value", "opcode",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.raw(b"\xd0"))),
        check_pickle_breaks())
    add("protocol_5.pt", "data.pkl starts with PROTO 5 (torch writes 2), rest valid",
        "protocol", lambda: with_pickle(module_pickle(protocol=5)),
        lambda d: check_reads_fine(d) + "; PROTO " + str(record_of(d, "data.pkl")[1]))
    add("no_stop.pt", "data.pkl without its final STOP", "stop",
        lambda: with_pickle(module_pickle(stop=False)), check_pickle_breaks())
    add("appends_without_mark.pt", "EMPTY_LIST, BININT1 1, APPENDS with no MARK on the "
        "stack", "mark",
        lambda: with_pickle(standalone(lambda p: p.empty_list().int(1).appends())),
        check_pickle_breaks())
    add("setitems_without_mark.pt", "EMPTY_DICT, 'k', 1, SETITEMS with no MARK", "mark",
        lambda: with_pickle(standalone(lambda p: p.empty_dict().str("k").int(1).setitems())),
        check_pickle_breaks())
    add("tuple_without_mark.pt", "BININT1 1, BININT1 2, TUPLE with no MARK", "mark",
        lambda: with_pickle(standalone(lambda p: p.int(1).int(2).tuple())),
        check_pickle_breaks())
    add("stack_underflow_build.pt", "BUILD on an empty stack", "stack",
        lambda: with_pickle(standalone(lambda p: p.build())), check_pickle_breaks())
    add("stack_underflow_tuple2.pt", "TUPLE2 with one item on the stack", "stack",
        lambda: with_pickle(standalone(lambda p: p.int(1).tuple2())), check_pickle_breaks())
    add("stack_not_empty_at_stop.pt", "two objects left on the stack at STOP", "stack",
        lambda: with_pickle(module_pickle()[:-1] + b"K\x07."),
        lambda d: "pickle: an extra BININT1 7 before STOP; " + pickle_error(
            record_of(d, "data.pkl")))
    add("binget_unset_memo.pt", "BINGET 200 (never BINPUT) as the `sizes` value", "memo",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.binget(200))),
        check_pickle_breaks())
    add("long_binget_huge_index.pt", "LONG_BINGET 0xFFFFFFFF as the `sizes` value", "memo",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.long_binget(0xFFFFFFFF))),
        check_pickle_breaks())
    add("binpersid_short_tuple.pt", "BINPERSID of ('storage', FloatStorage, '0') — "
        "location and numel missing", "persistent",
        lambda: with_pickle(module_pickle(TensorSpec(persid=lambda p: p.mark().str(
            "storage").glob("torch", "FloatStorage").str("0").tuple()))),
        check_pickle_parses("persistent id is a 3-tuple"))
    add("binpersid_not_tuple.pt", "BINPERSID of the string 'storage'", "persistent",
        lambda: with_pickle(module_pickle(TensorSpec(persid=lambda p: p.str("storage")))),
        check_pickle_parses("persistent id is a str"))
    add("binpersid_wrong_tag.pt", "BINPERSID of ('evil', FloatStorage, '0', 'cpu', 108)",
        "persistent",
        lambda: with_pickle(module_pickle(TensorSpec(persid=lambda p: p.mark().str(
            "evil").glob("torch", "FloatStorage").str("0").str("cpu").int(108).tuple()))),
        check_pickle_parses("persistent id tag is 'evil'"))

    # --- pickle: storages and tensor metadata ------------------------------------------
    def tensor_case(file, what, expect, **spec):
        add(file, what, expect, lambda: with_pickle(module_pickle(TensorSpec(**spec))),
            check_pickle_parses(what))

    tensor_case("unknown_storage_class.pt", "storage class GLOBAL 'torch EvilStorage'",
                "storage", storage_class="EvilStorage")
    tensor_case("storage_class_wrong_module.pt", "storage class GLOBAL 'os FloatStorage'",
                "global", storage_module="os")
    tensor_case("storage_numel_exceeds_record.pt", "numel 1000000 but data/0 holds 108 "
                "floats (432 bytes)", "storage", numel=1_000_000)
    tensor_case("storage_numel_negative.pt", "storage numel -1", "storage", numel=-1)
    tensor_case("storage_key_missing_record.pt", "storage key '7' (no data/7 record)",
                "missing record", key="7")
    tensor_case("storage_key_path_traversal.pt", "storage key '../version' (a record "
                "outside data/)", "path", key="../version")
    tensor_case("storage_location_cuda.pt", "storage location 'cuda:0' (may be mapped to "
                "the CPU or refused)", "", location="cuda:0")
    tensor_case("storage_offset_beyond_storage.pt", "tensor storage offset 1000 in a "
                "108-element storage", "offset", offset=1000)
    tensor_case("storage_offset_negative.pt", "tensor storage offset -5", "offset", offset=-5)
    tensor_case("view_exceeds_storage.pt", "sizes (4,3,3,4) with contiguous strides need "
                "144 elements of a 108-element storage", "bounds",
                sizes=(4, 3, 3, 4), strides=(36, 12, 4, 1))
    tensor_case("negative_stride.pt", "strides (27,9,3,-1)", "stride",
                strides=(27, 9, 3, -1))
    tensor_case("stride_rank_mismatch.pt", "4 sizes but 3 strides", "stride",
                strides=(9, 3, 1))
    tensor_case("negative_size.pt", "sizes (-4,3,3,3)", "size", sizes=(-4, 3, 3, 3))
    tensor_case("dim_2pow62.pt", "a 1-d view of size 2**62, stride 1, on 108 elements",
                "bounds", sizes=(2**62,), strides=(1,))
    tensor_case("sizes_product_overflow.pt", "sizes (2**32, 2**32, 2**32) with zero strides: "
                "every index is in bounds but the element count overflows int64",
                "overflow", sizes=(2**32, 2**32, 2**32), strides=(0, 0, 0))
    tensor_case("rank_100.pt", "a tensor of rank 100 (all sizes and strides 1)", "rank",
                sizes=(1,) * 100, strides=(1,) * 100, numel=108)

    # --- pickle: resource exhaustion and bad scalars -----------------------------------
    add("deep_nesting_lists_append.pt", "100000 nested lists (EMPTY_LIST x100000, APPEND "
        "x99999) as the `sizes` value; note torch's unpickler has no APPEND opcode at all",
        "nesting",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.raw(
            b"]" * 100_000 + b"a" * 99_999))),
        check_pickle_parses("list nesting depth 100000"))
    add("deep_nesting_lists_appends.pt", "100000 nested lists with the opcodes torch uses "
        "((EMPTY_LIST, MARK) x100000, APPENDS x100000) as the `sizes` value", "nesting",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.raw(
            b"](" * 100_000 + b"e" * 100_000))),
        lambda d: "pickletools.genops: " + str(sum(
            1 for op, _, _ in pickletools.genops(record_of(d, "data.pkl"))
            if op.name == "APPENDS")) + " APPENDS")
    add("deep_nesting_tuples.pt", "100000 nested 1-tuples (MARK x100000, then TUPLE "
        "x100000)", "nesting",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.raw(
            b"(" * 100_000 + b"K\x01" + b"t" * 100_000))),
        # (pickletools.dis would indent each line by the mark depth: 40 GB of text)
        lambda d: "pickletools.genops: " + str(sum(
            1 for op, _, _ in pickletools.genops(record_of(d, "data.pkl"))
            if op.name == "MARK")) + " MARKs")
    add("list_holds_itself.pt", "the `sizes` value is a list appended to itself "
        "(EMPTY_LIST, BINPUT, BINGET, APPEND): a reference cycle", "holds itself",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.empty_list()
                                          .binput(200).binget(200).append())),
        check_pickle_parses("sizes is a list that holds itself"))
    add("huge_binunicode_length.pt", "BINUNICODE declaring 0xFFFFFFF0 bytes (the record "
        "is ~400 bytes)", "length",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.raw(
            b"X" + struct.pack("<I", 0xFFFFFFF0) + b"short"))),
        check_pickle_breaks())
    add("binunicode_invalid_utf8.pt", "a BINUNICODE holding invalid UTF-8 as the `sizes` "
        "value",
        "utf-8",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: p.raw(
            b"X" + struct.pack("<I", 4) + b"\xff\xfe\x80x"))),
        check_pickle_breaks())
    add("long1_200_bytes.pt", "LONG1 with a 200-byte integer as the first List[int] "
        "element", "int64",
        lambda: with_pickle(module_pickle(sizes_value=lambda p: emit_intlist(
            p, (2**1599 - 1, 2, 3)))),
        lambda d: "pickletools: LONG1 of " + str(next(
            len(a.to_bytes((a.bit_length() + 8) // 8, "little", signed=True))
            for op, a, _ in pickletools.genops(record_of(d, "data.pkl"))
            if op.name == "LONG1")) + " bytes")
    add("data_pkl_not_a_module.pt", "data.pkl holds the int 5, not a module object",
        "module", lambda: with_pickle(standalone(lambda p: p.int(5))),
        check_pickle_parses("root is an int"))
    add("module_state_not_dict.pt", "the root module's BUILD state is a list",
        "state",
        lambda: with_pickle(standalone(lambda p: p.glob("__torch__", "HostileBase")
                                       .empty_tuple().newobj().empty_list().build())),
        check_pickle_parses("BUILD state is a list"))
    add("constants_not_tuple.pt", "constants.pkl holds a list instead of a tuple", "tuple",
        lambda: with_records({"constants.pkl": standalone(lambda p: p.empty_list())}),
        lambda d: pickle_error(record_of(d, "constants.pkl")) + "; root is a list")

    # --- code/ ---------------------------------------------------------------------------
    def code_case(file, what, expect, text: bytes, test):
        add(file, what, expect, lambda: with_code(text), check_code(test))

    code_case("code_invalid_utf8.pt", "code/__torch__.py has bytes 0xff 0xfe inside a "
              "string literal", "utf-8",
              code.encode().replace(
                  b"__buffers__ = [", b"__buffers__ = [\"\xff\xfe\", ", 1),
              check_not_utf8)
    code_case("code_syntax_error.pt", "code/__torch__.py: 'def forward(' became "
              "'def forward(('", "expected",
              code.replace("def forward(", "def forward((", 1).encode(), check_syntax_error)
    code_case("code_unsupported_operator.pt", "code/__torch__.py calls torch.frobnicate(x) "
              "instead of torch.conv2d", "frobnicate",
              code.replace("torch.conv2d(x, weight)", "torch.frobnicate(x)").encode(),
              lambda t: check_parses_with(t, "torch.frobnicate"))
    code_case("code_constant_out_of_range.pt", "code/__torch__.py uses CONSTANTS.c5; "
              "constants.pkl is an empty tuple", "constant",
              code.replace("float(sizes[0])", "float(CONSTANTS.c5)").encode(),
              lambda t: check_parses_with(t, "CONSTANTS.c5"))
    deep = "torch.neg(" * 50_000 + "x" + ")" * 50_000
    code_case("code_deep_nesting.pt", "a forward expression nested 50000 calls deep",
              "nesting",
              code.replace("torch.mul(x, scale)", f"torch.mul({deep}, scale)").encode(),
              lambda t: "code: nesting depth " + str(t.count(b"torch.neg(")))
    # Blocks nest by indentation: 10000 `if` statements, each one space
    # deeper (50 MB of source that deflates to 50 KB).
    ifs = "".join(" " * (4 + i) + "if bool(x.dim()):\n" for i in range(10_000))
    code_case("code_deep_blocks.pt", "forward's body is 10000 `if` blocks nested "
              "inside each other", "nesting",
              code.replace("    sizes = self.sizes\n",
                           ifs + " " * 10_004 + "pass\n    sizes = self.sizes\n").encode(),
              lambda t: "code: " + str(t.count(b"if bool(")) + " nested ifs, "
              + str(len(t)) + " bytes")
    # Valid, only large: the list is built and indexed as the base archive's
    # `self.sizes` is, so the output is the same.
    million = "[1" + ", 2" * 999_999 + "]"
    add("control_million_element_list.pt", "forward indexes a list literal of a "
        "million ints (3 MB of source) instead of self.sizes", "",
        lambda: with_code(code.replace("sizes = self.sizes",
                                       f"sizes = {million}").encode()),
        check_code(lambda t: "code: a list literal of "
                   + str(t.count(b", 2") + 1) + " elements"), control=True,
        torch_check=False)
    return cases


# --- helpers used by the cases --------------------------------------------------------


def call_global(p: Pickle, mod: str, name: str,
                args: Callable[[Pickle], object] = None) -> None:
    """GLOBAL 'mod name', an argument tuple, REDUCE."""
    p.glob(mod, name)
    if args is None:
        p.str(f"touch {PWNED_MARKER}").tuple1()
    else:
        args(p)
    p.reduce()


def emit_getattr_chain(p: Pickle) -> None:
    # getattr(__import__('os'), 'system')('touch …') in the classic exploit form
    p.glob("__builtin__", "getattr")
    p.glob("__builtin__", "__import__").str("os").tuple1().reduce()
    p.str("system").tuple2().reduce()
    p.str(f"touch {PWNED_MARKER}").tuple1().reduce()


def flip_opcode_fix_crc(base: bytes, e: Entry) -> bytes:
    data = flip_bit(base, e.data_off + 28, 6)
    assert base[e.data_off + 28] == 0x81  # NEWOBJ
    return set_crc(data, e, zlib.crc32(data[e.data_off:e.data_off + e.csize]))


def set_cd_offset(data: bytes, lay: Layout, offset: int) -> bytes:
    data = set_u32(data, lay.eocd_off + 16, offset)
    return patch(data, lay.z64_eocd_off + 48, struct.pack("<Q", offset))


def set_entry_count(data: bytes, lay: Layout, n: int) -> bytes:
    data = patch(data, lay.eocd_off + 8, struct.pack("<HH", n, n))
    return patch(data, lay.z64_eocd_off + 24, struct.pack("<QQ", n, n))


def set_method(data: bytes, name: str, method: int) -> bytes:
    e = parse_layout(data).entry(name)
    data = patch(data, e.cd_off + 10, struct.pack("<H", method))
    return patch(data, e.lh_off + 8, struct.pack("<H", method))


def set_flag(data: bytes, name: str, bit: int) -> bytes:
    e = parse_layout(data).entry(name)
    data = patch(data, e.cd_off + 8, struct.pack("<H", e.flags | bit))
    return patch(data, e.lh_off + 6, struct.pack("<H", e.flags | bit))


def rename_local(data: bytes, name: str, new: str) -> bytes:
    e = parse_layout(data).entry(name)
    assert len(new) == len(name)
    return patch(data, e.lh_off + 30, (PREFIX + new).encode())


def make_zip_mixed(recs: Sequence[Record], extra: Sequence[Record]) -> bytes:
    """The base records under archive/, plus `extra` entries with names taken as is."""
    return make_zip([(PREFIX + n, d) for n, d in recs] + list(extra), prefix="")


def make_zip_split_prefix(recs: Sequence[Record]) -> bytes:
    out = []
    for n, d in recs:
        top = "archive/" if n.startswith("data") else "other/"
        out.append((top + n, d))
    return make_zip(out, prefix="")


def build_renamed_prefix() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "renamed_model.pt")
        torch.manual_seed(0)
        torch.jit.save(torch.jit.script(HostileBase().eval()), path)
        with open(path, "rb") as f:
            return f.read()


def build_legacy_save() -> bytes:
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.save(HostileBase().state_dict(), buf, _use_new_zipfile_serialization=False)
    return buf.getvalue()


def build_state_dict_zip() -> bytes:
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.save(HostileBase().state_dict(), buf)
    return buf.getvalue()


def build_bomb() -> bytes:
    """code/__torch__.py = 1 GiB of spaces, deflated (about 1 MiB)."""
    buf = io.BytesIO()
    size, chunk = 1 << 30, b" " * (1 << 24)
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in read_records(BASE):
            info = zipfile.ZipInfo(PREFIX + name, date_time=(1980, 1, 1, 0, 0, 0))
            if name == "code/__torch__.py":
                info.compress_type = zipfile.ZIP_DEFLATED
                info.file_size = size
                with z.open(info, "w") as w:
                    for _ in range(size // len(chunk)):
                        w.write(chunk)
            elif name.endswith(".debug_pkl"):
                continue
            else:
                info.compress_type = zipfile.ZIP_STORED
                z.writestr(info, data)
    return buf.getvalue()


def check_duplicate(data: bytes) -> str:
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    dups = sorted({n for n in names if names.count(n) > 1})
    assert dups
    return f"zipfile: duplicate names {dups}"


def check_name_contains(part: str) -> Callable[[bytes], str]:
    def check(data: bytes) -> str:
        names = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if part in n]
        assert names, part
        return f"zipfile: entry {names[0]!r}"
    return check


def check_not_utf8(text: bytes) -> str:
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"code: UnicodeDecodeError at byte {e.start}"
    raise AssertionError("code decodes as UTF-8")


def check_syntax_error(text: bytes) -> str:
    try:
        ast.parse(text.decode("utf-8"))
    except SyntaxError as e:
        return f"ast: SyntaxError line {e.lineno}: {e.msg}"
    raise AssertionError("code parses")


def check_parses_with(text: bytes, needle: str) -> str:
    ast.parse(text.decode("utf-8"))
    assert needle in text.decode("utf-8")
    return f"ast: parses; contains {needle}"


# ---------------------------------------------------------------------------------------
# torch.jit.load in a worker process (restarted after a crash or a timeout)
# ---------------------------------------------------------------------------------------

WORKER = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))
import torch
torch.set_num_threads(1)
def first_line(e):
    lines = [l.strip() for l in str(e).strip().splitlines() if l.strip()]
    if lines and lines[0].startswith("The following operation failed"):
        return ("TorchScript: " + lines[-1])[:240]  # the real message comes last
    return (type(e).__name__ + ": " + (lines[0] if lines else ""))[:240]
for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        m = torch.jit.load(path)
    except BaseException as e:
        print(json.dumps({"loads": False, "error": first_line(e)}), flush=True)
        continue
    print(json.dumps({"loads": True}), flush=True)
    try:
        with torch.no_grad():
            y = m(torch.ones(1, 3, 8, 8))
        print(json.dumps({"runs": True, "checksum": float(y.double().sum())}), flush=True)
    except BaseException as e:
        print(json.dumps({"runs": False, "error": first_line(e)}), flush=True)
"""


class TorchChecker:
    def __init__(self, timeout: float = 60.0):
        self.timeout = timeout
        self.proc: Optional[subprocess.Popen] = None

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.pending = b""  # bytes read from the worker but not yet consumed

    def _stop(self) -> str:
        """Kill the worker (if still alive) and describe how it ended."""
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.kill()
            proc.wait()
            return "timeout"
        return f"crashed: signal {-proc.returncode}" if proc.returncode < 0 else \
            f"worker exited with {proc.returncode}"

    def _read(self) -> Optional[dict]:
        """The worker's next line, or None after a timeout or when it died.  Reads the
        pipe with os.read (a buffered readline could swallow a second line that
        select() would then never report)."""
        deadline = time.monotonic() + self.timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                return None  # timeout
            chunk = os.read(fd, 65536)
            if not chunk:  # EOF: let the exit status arrive before _stop() looks at it
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
                return None
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)

    def check(self, path: str) -> dict:
        if self.proc is None:
            self._start()
        self.proc.stdin.write(path.encode() + b"\n")
        self.proc.stdin.flush()
        first = self._read()
        if first is None:
            return {"torch_loads": False, "torch_runs": None, "torch_error": self._stop()}
        if not first["loads"]:
            return {"torch_loads": False, "torch_runs": None, "torch_error": first["error"]}
        second = self._read()
        if second is None:
            return {"torch_loads": True, "torch_runs": False,
                    "torch_error": "forward " + self._stop()}
        if not second["runs"]:
            return {"torch_loads": True, "torch_runs": False,
                    "torch_error": "forward: " + second["error"]}
        return {"torch_loads": True, "torch_runs": True, "torch_error": "",
                "checksum": second["checksum"]}

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait()
            self.proc = None


# ---------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------

BASE = b""  # the torch-written base archive (set in main; build_bomb reads it)


def up_to_date(outdir: str) -> bool:
    index = os.path.join(outdir, "hostile.json")
    if not os.path.exists(index) or os.path.getmtime(index) <= os.path.getmtime(SCRIPT_PATH):
        return False
    with open(index) as f:
        entries = json.load(f)
    return all(os.path.exists(os.path.join(outdir, e["file"])) for e in entries)


def main() -> int:
    global BASE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--force", action="store_true", help="regenerate even if up to date")
    ap.add_argument("--no-torch-check", action="store_true",
                    help="skip the torch.jit.load check (torch_loads becomes null)")
    args = ap.parse_args()
    t_start = time.time()
    if not args.force and up_to_date(args.outdir):
        print(f"up to date: {os.path.join(args.outdir, 'hostile.json')}")
        return 0
    os.makedirs(args.outdir, exist_ok=True)
    index = os.path.join(args.outdir, "hostile.json")
    if os.path.exists(index):  # written again only if this run succeeds
        os.remove(index)
    torch.set_num_threads(2)

    BASE = build_base()
    cases = make_cases(BASE)
    names = [c.file for c in cases]
    assert len(names) == len(set(names)), "duplicate case file names"

    entries = []
    for case in cases:
        data = case.build()
        try:
            evidence = case.check(data)
        except AssertionError as e:
            raise SystemExit(f"{case.file}: defect not confirmed: {e}") from e
        if not case.control:
            assert data != BASE, case.file
        with open(os.path.join(args.outdir, case.file), "wb") as f:
            f.write(data)
        entries.append({"file": case.file, "what": case.what, "expect": case.expect,
                        "check": evidence, "size": len(data)})

    failures = []
    if args.no_torch_check:
        for e in entries:
            e.update(torch_loads=None, torch_runs=None, torch_error=None)
    else:
        if os.path.exists(PWNED_MARKER):
            os.remove(PWNED_MARKER)
        checker = TorchChecker()
        reference = None
        try:
            for e, case in zip(entries, cases):
                if not case.torch_check:
                    e.update(torch_loads=None, torch_runs=None, torch_error=None)
                    continue
                result = checker.check(os.path.abspath(os.path.join(args.outdir, e["file"])))
                checksum = result.pop("checksum", None)
                e.update(result)
                if case.control and case.expect == "":
                    if not result["torch_runs"]:
                        failures.append(f"{e['file']}: control case does not run in torch")
                    elif reference is None:
                        reference = checksum
                    elif abs(checksum - reference) > 1e-6 * max(1.0, abs(reference)):
                        failures.append(f"{e['file']}: output {checksum} != {reference}")
        finally:
            checker.close()
        if os.path.exists(PWNED_MARKER):
            failures.append(f"{PWNED_MARKER} exists: a payload ran inside torch.jit.load")

    for e in entries:
        status = {True: "loads", False: "fails", None: "-"}[e["torch_loads"]]
        if e["torch_loads"] and e["torch_runs"] is False:
            status = "loads, forward fails"
        print(f"{e['file']:40s} expect {e['expect'] or '(may accept)':16s} torch: {status}")
    if failures:  # no hostile.json, so the next run starts over
        for msg in failures:
            print("FAILED:", msg, file=sys.stderr)
        return 1
    tmp = os.path.join(args.outdir, ".hostile.json.tmp")
    with open(tmp, "w") as f:
        json.dump(entries, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, index)
    n_hostile = sum(1 for c in cases if not c.control)
    print(f"done: {len(entries)} files ({n_hostile} hostile, {len(entries) - n_hostile} "
          f"valid controls), {time.time() - t_start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
