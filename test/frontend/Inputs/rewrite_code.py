#!/usr/bin/env python3
"""Copies a TorchScript archive, replacing text in one of its code files.

usage: rewrite_code.py SRC DST CODE_FILE OLD NEW [OLD NEW ...]
CODE_FILE is relative to the archive's folder (`code/__torch__.py`). Every
other record is copied unchanged (stored records stay stored).
"""
import sys
import zipfile


def main():
    src, dst, code_file = sys.argv[1:4]
    pairs = list(zip(sys.argv[4::2], sys.argv[5::2]))
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.split("/", 1)[1] == code_file:
                text = data.decode()
                for old, new in pairs:
                    if old not in text:
                        sys.exit(f"'{old}' is not in {code_file}")
                    text = text.replace(old, new)
                data = text.encode()
            zout.writestr(info, data, compress_type=info.compress_type)


if __name__ == "__main__":
    main()
