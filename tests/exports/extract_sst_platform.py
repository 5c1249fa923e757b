"""Extracts SST's platform (the TypeScript source of `sst.aws.Dynamo` and every other
component) from the `sst` binary that the npm package `sst-linux-x64` ships, and writes the
`config.d.ts` that `sst install` would write for the aws provider. `sst install` itself cannot
run here: the binary first downloads Pulumi from GitHub. The platform is embedded with Go's
`embed.FS`, whose table of files is an array of (name, data, hash) records: Go strings are
(pointer, length) pairs, so the table is found by the record whose name points at a known file
name, and walked both ways while records stay valid.

Usage: python3 extract_sst_platform.py SST_BINARY OUT_DIR VERSION
"""

import os
import struct
import sys

ANCHOR = b"src/components/aws/dynamo.ts"
RECORD = 48  # name (ptr, len), data (ptr, len), hash [16]byte

CONFIG_D_TS = """import "./src/global.d.ts"
import { AppInput, App, Config } from "./src/config"
import _aws, { ProviderArgs as _awsArgs } from "@pulumi/aws";


declare global {
  // @ts-expect-error
  export import aws = _aws
  interface Providers {
    providers?: {
      aws?:  (_awsArgs & { version?: string }) | boolean;
    }
  }
  export const $config: (
    input: Omit<Config, "app"> & {
      app(input: AppInput): Omit<App, "providers"> & Providers;
    },
  ) => Config;
}
"""


class Elf:
    """A statically linked ELF64 executable's loadable segments."""

    def __init__(self, data):
        if data[:4] != b"\x7fELF" or data[4] != 2:
            raise SystemExit("not a 64-bit ELF executable")
        self.data = data
        phoff = struct.unpack_from("<Q", data, 0x20)[0]
        entsize, count = struct.unpack_from("<HH", data, 0x36)
        self.segments = []
        for i in range(count):
            kind, _, offset, vaddr, _, filesz, _, _ = struct.unpack_from(
                "<IIQQQQQQ", data, phoff + i * entsize
            )
            if kind == 1:  # PT_LOAD
                self.segments.append((offset, vaddr, filesz))

    def address(self, offset):
        for start, vaddr, size in self.segments:
            if start <= offset < start + size:
                return vaddr + offset - start
        return None

    def offset(self, address):
        for start, vaddr, size in self.segments:
            if vaddr <= address < vaddr + size:
                return start + address - vaddr
        return None

    def string(self, pointer, length):
        if length == 0:
            return b""
        start = self.offset(pointer)
        if start is None or start + length > len(self.data):
            return None
        return self.data[start : start + length]


def record(elf, at):
    """The (name, data) of the embed record at file offset `at`, or None."""
    if at < 0 or at + RECORD > len(elf.data):
        return None
    name_ptr, name_len, data_ptr, data_len = struct.unpack_from("<QQQQ", elf.data, at)
    if not 0 < name_len < 512:
        return None
    name = elf.string(name_ptr, name_len)
    if name is None or b"\0" in name:
        return None
    data = elf.string(data_ptr, data_len)
    if data is None:
        return None
    try:
        return name.decode(), data
    except UnicodeDecodeError:
        return None


def find_table(elf):
    anchor = elf.data.find(ANCHOR)
    while anchor != -1:
        address = elf.address(anchor)
        if address is not None:
            at = elf.data.find(struct.pack("<QQ", address, len(ANCHOR)))
            if at != -1 and record(elf, at):
                return at
        anchor = elf.data.find(ANCHOR, anchor + 1)
    raise SystemExit(f"no embedded file table with {ANCHOR.decode()} in the binary")


def main():
    binary, out, version = sys.argv[1:4]
    with open(binary, "rb") as f:
        elf = Elf(f.read())
    at = find_table(elf)
    first = at
    while record(elf, first - RECORD):
        first -= RECORD
    last = at
    while record(elf, last + RECORD):
        last += RECORD
    count = 0
    for position in range(first, last + RECORD, RECORD):
        name, data = record(elf, position)
        path = os.path.join(out, name)
        if name.endswith("/"):
            os.makedirs(path, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        count += 1
    if not os.path.isfile(os.path.join(out, "src", "config.ts")):
        raise SystemExit("the extracted platform has no src/config.ts")
    with open(os.path.join(out, "config.d.ts"), "w") as f:
        f.write(CONFIG_D_TS)
    with open(os.path.join(out, "version"), "w") as f:
        f.write(version)
    print(f"extracted {count} platform files of sst {version} to {out}")


if __name__ == "__main__":
    main()
