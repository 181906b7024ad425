#!/usr/bin/env python3
"""Fails when a wasm module imports anything from the host module `env`.

A sans-IO codec must not reach for host functions (clock, file system, libc): an `env` import
means some dependency expects a C runtime, and the module would not load in a browser.
Usage: check-wasm-imports.py MODULE.wasm
"""
import sys


def leb128(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def name(data, pos):
    length, pos = leb128(data, pos)
    return data[pos:pos + length].decode("utf-8"), pos + length


def imports(data):
    if data[:4] != b"\0asm":
        raise SystemExit("not a wasm module")
    pos, found = 8, []
    while pos < len(data):
        section, size = data[pos], None
        size, pos = leb128(data, pos + 1)
        if section == 2:
            count, p = leb128(data, pos)
            for _ in range(count):
                module, p = name(data, p)
                field, p = name(data, p)
                kind = data[p]
                p += 1
                if kind == 0:
                    _, p = leb128(data, p)
                elif kind == 1:
                    p += 1
                    flags, p = leb128(data, p)
                    _, p = leb128(data, p)
                    if flags & 1:
                        _, p = leb128(data, p)
                elif kind == 2:
                    flags, p = leb128(data, p)
                    _, p = leb128(data, p)
                    if flags & 1:
                        _, p = leb128(data, p)
                elif kind == 3:
                    p += 2
                else:
                    p += 1
                    _, p = leb128(data, p)
                found.append((module, field))
        pos += size
    return found


def main():
    data = open(sys.argv[1], "rb").read()
    found = imports(data)
    env = [f"{m}.{f}" for m, f in found if m == "env"]
    print(f"{sys.argv[1]}: {len(data)} bytes, {len(found)} imports: {', '.join(f'{m}.{f}' for m, f in found) or 'none'}")
    if env:
        raise SystemExit(f"error: the module imports from env: {', '.join(env)}")


if __name__ == "__main__":
    main()
