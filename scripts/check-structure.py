#!/usr/bin/env python3
"""Checks two shapes of the app's code that the compiler does not:

1. No `use` cycle among the component files (src/components/*.rs): an edge
   A -> B for every `use super::B` or `crate::components::B` line in A; a
   cycle means a piece of state sits in a component instead of src/state/.
2. No function in src/ longer than MAX_LINES lines (signature to closing
   brace), so a component reads like its picture.
3. The wasm size's two mechanical rules (docs/design.md, "Wasm size, fourth
   round"): no `Effect::new(` in src/ outside src/reactive.rs (effects go
   through `crate::reactive::effect`), and no `<Show` in src/ (`ShowIf`):
   each `Effect::new` closure and each `Show` use is its own copy of
   Leptos' code in the wasm. And ("Wasm size, fifth round") no
   `LocalResource`/`Resource`/`AsyncDerived` in src/: async reads go
   through `crate::reactive::run_now` into a signal, since the first
   resource brings Leptos' async derived machinery (~17 kB raw) back.

Exit status 1 with one line per problem, 0 when the tree is clean.
Run by `scripts/test.sh fmt`.
"""

import pathlib
import re
import sys

MAX_LINES = 80
ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src"


def component_edges():
    """Module -> the sibling modules it imports."""
    comps = SRC / "components"
    names = {p.stem for p in comps.glob("*.rs")} - {"mod"}
    pat = re.compile(r"\b(?:super|crate::components)::(\w+)")
    edges = {}
    for name in names:
        text = (comps / f"{name}.rs").read_text()
        used = set()
        for line in text.splitlines():
            if line.lstrip().startswith(("use ", "pub use ")) or "crate::components::" in line:
                used.update(m for m in pat.findall(line) if m in names and m != name)
        edges[name] = used
    return edges


def find_cycle(edges):
    """A cycle as a list of modules, or None."""
    state = {}  # 1 = on the stack, 2 = done

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node, [node])
            if found:
                return found
    return None


def code_only(line, in_str):
    """The line with string and char literals and comments blanked; whether
    a (multi-line) string is still open at its end."""
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
                # raw strings close with "#...
                while i + 1 < len(line) and line[i + 1] == "#":
                    i += 1
            i += 1
            continue
        if line.startswith("//", i):
            break
        if c == '"':
            in_str = True
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", line[i:]):
            i += len(re.match(r"'(\\.|[^\\'])'", line[i:]).group(0))
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out), in_str


FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?fn\s+(\w+)")


def long_functions(path):
    lines = path.read_text().splitlines()
    # stack: [name, first line, depth at the `fn`, whether its body opened]
    found, in_str, stack, depth = [], False, [], 0
    for n, raw in enumerate(lines, 1):
        m = FN.match(raw) if not in_str else None
        code, in_str = code_only(raw, in_str)
        if m:
            stack.append([m.group(5), n, depth, False])
        for c in code:
            if c == "{":
                if stack and not stack[-1][3] and depth == stack[-1][2]:
                    stack[-1][3] = True
                depth += 1
            elif c == "}":
                depth -= 1
                if stack and stack[-1][3] and depth == stack[-1][2]:
                    name, start, _, _ = stack.pop()
                    if n - start + 1 > MAX_LINES:
                        found.append((name, start, n - start + 1))
        # A declaration without a body (trait item, extern; its signature
        # may span lines) ends with `;` before any `{` of its own.
        if stack and not stack[-1][3] and code.rstrip().endswith(";") and "{" not in code:
            stack.pop()
    return found


SIZE_RULES = (
    (re.compile(r"\bEffect::new\("), {"src/reactive.rs"},
     "Effect::new outside src/reactive.rs: use crate::reactive::effect (one copy of the effect's task "
     "in the wasm; docs/design.md, \"Wasm size, fourth round\")"),
    (re.compile(r"<Show\b"), set(),
     "<Show> in src/: use components::panel::ShowIf (Show is a copy per use in the wasm; "
     "docs/design.md, \"Wasm size, fourth round\")"),
    (re.compile(r"\b(LocalResource|Resource|ArcLocalResource|ArcResource|AsyncDerived|ArcAsyncDerived)\b"),
     set(),
     "a resource or async derived value in src/: read through crate::reactive::run_now into a signal "
     "(the first one brings Leptos' async machinery back; docs/design.md, \"Wasm size, fifth round\")"),
)


def size_rule_breaks(path):
    """(line, message) for each line of code that breaks a wasm size rule."""
    found, in_str = [], False
    for n, raw in enumerate(path.read_text().splitlines(), 1):
        code, in_str = code_only(raw, in_str)
        for pattern, allowed, message in SIZE_RULES:
            if str(path.relative_to(ROOT)) not in allowed and pattern.search(code):
                found.append((n, message))
    return found


def main():
    problems = []
    cycle = find_cycle(component_edges())
    if cycle:
        problems.append("use cycle among src/components: " + " -> ".join(cycle))
    for path in sorted(SRC.rglob("*.rs")):
        for name, start, length in long_functions(path):
            rel = path.relative_to(ROOT)
            problems.append(f"{rel}:{start}: fn {name} is {length} lines (at most {MAX_LINES})")
        for n, message in size_rule_breaks(path):
            problems.append(f"{path.relative_to(ROOT)}:{n}: {message}")
    for p in problems:
        print(p)
    if not problems:
        print("structure: no use cycle among src/components, no fn in src/ over", MAX_LINES,
              "lines, no Effect::new outside src/reactive.rs, no <Show>, no resource")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
