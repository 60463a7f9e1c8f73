#!/usr/bin/env python3
"""What the app's wasm is made of, by crate and by module (issue #14 item 6).

    scripts/wasm-size.py --build [--out DIR]      build a named wasm, then report
    scripts/wasm-size.py NAMED.wasm [--top N] [--strings N] [--csv FILE]

`--build` runs wasm-bindgen on cargo's own release wasm of the served
build (target/served/wasm32-unknown-unknown/release/queuescope.wasm,
which keeps the name section: build it first with `scripts/test.sh
build`) and wasm-opt
with the served flags plus `-g` (names kept; ~1 min), into DIR
(default /tmp/wasm-size). The served wasm is the same code without names.

The report (markdown, on stdout):
- every function body grouped by crate (the first path segment of its
  demangled name; `<impl X for Y>` and `<Y as X>` count as Y's crate,
  since that is whose code it is), and the app's and core's code by
  module (two segments; `src/`'s and `core/`'s file layout);
- for each group its raw bytes and the gzip -9 size of its bodies
  compressed alone (the sum over groups is larger than the whole file's
  gzip, since each group is compressed without the others' context: read
  it as each group's share, not as bytes a cut would save);
- the largest functions, the data segments and their longest strings.

Each figure is the body as it stands in the module (after wasm-opt):
inlined code counts where it was inlined to, e.g. a large `view!`
closure shows up as `tachys::...::build::{{closure}}`. `twiggy monos`
on the same file lists the generic copies.
"""
import argparse
import collections
import csv
import gzip
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def leb(buf, pos):
    """Reads an unsigned LEB128 at pos: (value, next position)."""
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def sections(buf):
    """(id, custom name or None, payload start, payload end) of each section."""
    if buf[:4] != b"\0asm":
        sys.exit("not a wasm module")
    pos = 8
    while pos < len(buf):
        sid = buf[pos]
        size, start = leb(buf, pos + 1)
        end = start + size
        name = None
        if sid == 0:
            n, p = leb(buf, start)
            name = buf[p : p + n].decode("utf-8", "replace")
        yield sid, name, start, end
        pos = end


def imported_functions(buf, start):
    count, pos = leb(buf, start)
    funcs = 0
    for _ in range(count):
        for _ in range(2):  # module, field
            n, pos = leb(buf, pos)
            pos += n
        kind = buf[pos]
        pos += 1
        if kind == 0:  # function: type index
            _, pos = leb(buf, pos)
            funcs += 1
        elif kind == 1:  # table: reftype, limits
            pos += 1
            flags, pos = leb(buf, pos)
            _, pos = leb(buf, pos)
            if flags & 1:
                _, pos = leb(buf, pos)
        elif kind == 2:  # memory: limits
            flags, pos = leb(buf, pos)
            _, pos = leb(buf, pos)
            if flags & 1:
                _, pos = leb(buf, pos)
        elif kind == 3:  # global: valtype, mut
            pos += 2
        else:
            sys.exit("unknown import kind %d" % kind)
    return funcs


def function_names(buf, start, end):
    """Function index -> name from the "name" custom section."""
    names = {}
    n, pos = leb(buf, start)
    pos += n  # the section's own name
    while pos < end:
        sub = buf[pos]
        size, p = leb(buf, pos + 1)
        if sub == 1:
            count, q = leb(buf, p)
            for _ in range(count):
                idx, q = leb(buf, q)
                ln, q = leb(buf, q)
                names[idx] = buf[q : q + ln].decode("utf-8", "replace")
                q += ln
        pos = p + size
    return names


def vector(buf, start, skip_head):
    """The payloads of a code or data section's entries: `skip_head(pos)`
    steps over what precedes an entry's size (nothing for a function body;
    flags, memory and offset for a data segment)."""
    count, pos = leb(buf, start)
    out = []
    for _ in range(count):
        size, pos = leb(buf, skip_head(pos))
        out.append(buf[pos : pos + size])
        pos += size
    return out


def code_bodies(buf, start):
    return vector(buf, start, lambda pos: pos)


def data_segments(buf, start):
    def head(pos):
        flags, pos = leb(buf, pos)
        if flags == 2:
            _, pos = leb(buf, pos)
        if flags in (0, 2):  # active: an init expression ending with 0x0b
            while buf[pos] != 0x0B:
                pos += 1
            pos += 1
        return pos

    return vector(buf, start, head)


def strip_hash(name):
    return re.sub(r"::h[0-9a-f]{16}$", "", name)


PRIMITIVES = {"str", "char", "bool", "f32", "f64", "u8", "u16", "u32", "u64", "u128", "usize",
              "i8", "i16", "i32", "i64", "i128", "isize", "", "[u8]"}


def owner_path(name):
    """The path whose code a function is: Y for `<impl X for Y>`/`<Y as X>`,
    X when Y is a type parameter or a primitive (`<T as tachys::..>`)."""
    name = re.sub(r"\[[0-9a-f]{16}\]", "", strip_hash(name))
    m = re.match(r"^<impl (?:[^<>]|<[^<>]*>)* for (.*?)>::", name)
    if m:
        name = m.group(1)
    elif name.startswith("<"):
        inner = name[1:]
        m = re.match(r"^(.*?) as ([a-z_][a-z0-9_]*::.*)", inner)
        if m:
            owner = re.sub(r"^(?:&(?:mut )?|dyn |\*(?:const|mut) )+", "", m.group(1))
            head = re.split(r"::|<|[ ,;\[\]()]", owner, maxsplit=1)[0]
            name = m.group(2) if (head in PRIMITIVES or re.fullmatch(r"[A-Z][A-Za-z0-9]?", head)) else owner
        else:
            name = inner
    name = re.sub(r"^(?:&(?:mut )?|dyn |\*(?:const|mut) |\()+", "", name)
    return name


def crate_of(name):
    if re.fullmatch(r"code\[\d+\]", name):
        return "(no name)"
    path = owner_path(name)
    crate = re.split(r"::|<| as |[ ,;\[\]()>]", path, maxsplit=1)[0]
    if crate in PRIMITIVES or "::" not in path and "<" not in path and not path.startswith("[") and "." not in path:
        # a primitive's inherent method (`<str>::to_lowercase`) or a bare
        # symbol (`memcmp`, `__multi3`, wasm-bindgen's exports)
        return "(std, primitives and bare symbols)" if crate in PRIMITIVES or not path.startswith("_") else "(bare symbols)"
    return crate or "(other)"


def module_of(name, depth):
    path = re.sub(r"<.*", "", owner_path(name))
    parts = [p for p in path.split("::") if p and not p.startswith("{")]
    return "::".join(parts[:depth])


APP_CRATES = ("queuescope", "queuescope_core")


def gz(data):
    return len(gzip.compress(data, 9))


def table(rows, total_raw, title):
    print("| %s | raw B | raw %% | gzip -9 alone B |" % title)
    print("|---|---:|---:|---:|")
    for key, (raw, body) in rows:
        print("| `%s` | %d | %.1f | %d |" % (key, raw, 100.0 * raw / total_raw, gz(body)))
    print()


def build(out):
    os.makedirs(out, exist_ok=True)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(REPO, "target")
    cargo_wasm = os.path.join(target, "served/wasm32-unknown-unknown/release/queuescope.wasm")
    subprocess.run(["wasm-bindgen", "--target", "web", "--out-dir", out, cargo_wasm], check=True)
    named = os.path.join(out, "named.wasm")
    wasm_opt = os.path.join(REPO, "node_modules/.bin/wasm-opt")
    subprocess.run(
        [wasm_opt, "-Oz", "--converge", "--low-memory-unused", "-g",
         os.path.join(out, "queuescope_bg.wasm"), "-o", named],
        check=True,
    )
    return named


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wasm", nargs="?")
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--out", default="/tmp/wasm-size")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--strings", type=int, default=25)
    ap.add_argument("--csv", help="write every function: name,crate,module,bytes")
    args = ap.parse_args()
    path = build(args.out) if args.build else args.wasm
    if not path:
        ap.error("give a named wasm or --build")
    buf = open(path, "rb").read()

    imports = 0
    names = {}
    bodies = []
    segs = []
    section_sizes = collections.Counter()
    for sid, cname, start, end in sections(buf):
        section_sizes[cname or sid] += end - start
        if sid == 2:
            imports = imported_functions(buf, start)
        elif sid == 10:
            bodies = code_bodies(buf, start)
        elif sid == 11:
            segs = data_segments(buf, start)
        elif cname == "name":
            names = function_names(buf, start, end)

    funcs = [(names.get(imports + i, "code[%d]" % i), body) for i, body in enumerate(bodies)]
    code_raw = sum(len(b) for _, b in funcs)
    data_raw = sum(len(s) for s in segs)
    without_names = len(buf) - section_sizes.get("name", 0)
    print("# %s\n" % path)
    print("- module without the name section: %d B; code %d B in %d functions; data %d B in %d segments"
          % (without_names, code_raw, len(funcs), data_raw, len(segs)))
    print("- gzip -9 of all code alone: %d B; of all data alone: %d B\n"
          % (gz(b"".join(b for _, b in funcs)), gz(b"".join(segs))))

    by_crate = collections.defaultdict(lambda: [0, bytearray()])
    by_module = collections.defaultdict(lambda: [0, bytearray()])
    for name, body in funcs:
        crate = crate_of(name)
        by_crate[crate][0] += len(body)
        by_crate[crate][1] += body
        if crate in APP_CRATES:
            mod = module_of(name, 3 if crate == "queuescope_core" else 2)
            by_module[mod][0] += len(body)
            by_module[mod][1] += body
    by_crate["(data segments)"] = [data_raw, bytearray(b"".join(segs))]
    total = code_raw + data_raw

    def ranked(groups):
        return sorted(((k, (v[0], bytes(v[1]))) for k, v in groups.items()), key=lambda r: -r[1][0])

    print("## By crate\n")
    table(ranked(by_crate), total, "crate")
    print("## The app and core by module\n")
    table(ranked(by_module), total, "module")

    print("## The %d largest functions\n" % args.top)
    print("| function | raw B |")
    print("|---|---:|")
    for name, body in sorted(funcs, key=lambda f: -len(f[1]))[: args.top]:
        print("| `%s` | %d |" % (strip_hash(name).replace("|", "\\|"), len(body)))
    print()

    print("## Data: the %d longest strings\n" % args.strings)
    found = []
    for seg in segs:
        for m in re.finditer(rb"[\x20-\x7e\t\n]{24,}", seg):
            found.append(m.group())
    print("| bytes | string (first 100 characters) |")
    print("|---:|---|")
    for s in sorted(found, key=len, reverse=True)[: args.strings]:
        text = s[:100].decode("ascii").replace("|", "\\|").replace("\n", "\\n").replace("`", "'")
        print("| %d | %s |" % (len(s), text))
    print()

    if args.csv:
        with open(args.csv, "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["name", "crate", "module", "bytes"])
            for name, body in funcs:
                out.writerow([name, crate_of(name), module_of(name, 3), len(body)])

if __name__ == "__main__":
    main()
