#!/usr/bin/env python3
"""Write a small .npy file without NumPy, including broken ones for tests.

    make_npy.py OUT DESCR SHAPE VALUES [--fortran] [--truncate=N] [--version=2]

DESCR is NumPy's descr ('<f4', '<i8', '|b1', ...), SHAPE is '2,3' (empty for
a scalar), VALUES is a comma-separated list written with the struct format
that matches DESCR, where `V*N` stands for N copies of V. --truncate=N drops
the last N bytes.
"""
import struct
import sys

FORMATS = {"<f4": "f", "<f8": "d", "<i8": "q", "<i4": "i", "<i2": "h",
           "|i1": "b", "|u1": "B", "|b1": "?", "<c8": "ff", ">f4": ">f"}


def main():
    out, descr, shape, values = sys.argv[1:5]
    opts = sys.argv[5:]
    dims = [int(d) for d in shape.split(",") if d]
    shape_text = "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
    fortran = "True" if "--fortran" in opts else "False"
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_text)
    version = 2 if "--version=2" in opts else 1
    prefix_len = 6 + 2 + (4 if version == 2 else 2)
    pad = 64 - (prefix_len + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    fmt = FORMATS.get(descr, "f")
    data = b""
    items = []
    for v in filter(None, values.split(",")):
        value, _, count = v.partition("*")
        items += [value] * (int(count) if count else 1)
    for v in items:
        if fmt == "?":
            data += struct.pack("<?", v == "1" or v.lower() == "true")
        elif fmt in ("f", "d", "ff", ">f"):
            data += struct.pack(("<" if not fmt.startswith(">") else "") + fmt, float(v))
        else:
            data += struct.pack("<" + fmt, int(v))
    blob = b"\x93NUMPY" + bytes([version, 0])
    blob += struct.pack("<I" if version == 2 else "<H", len(header)) + header.encode()
    blob += data
    for o in opts:
        if o.startswith("--truncate="):
            blob = blob[: len(blob) - int(o.split("=")[1])]
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
