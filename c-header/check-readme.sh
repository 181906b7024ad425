#!/usr/bin/env bash
# Keeps c-header/README.md true to the code:
# - the result codes table (between the results-table markers) is generated from kmipkit.h;
# - the Model 1 example block (between the example markers) is examples/encrypt_file.c verbatim,
#   in this README and in the repository's;
# - every opaque type of kmipkit.h, and every kmipkit_*_free function, is in the
#   "Who frees what" table (that table is written by hand: it says where each comes from).
#   c-header/check-readme.sh           check; exit 1 naming what is stale or missing
#   c-header/check-readme.sh --write   regenerate the two generated parts (the table by hand)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec python3 - "$here" "${1:-}" <<'PY'
import re, sys
here, mode = sys.argv[1], sys.argv[2]
header = open(f"{here}/kmipkit.h").read()
readme_path = f"{here}/README.md"
readme = open(readme_path).read()

def results_table():
    rows = ["| Result | Value | `kmipkit_result_name` | Meaning |", "|---|---|---|---|"]
    enum = header[header.index("enum kmipkit_result"):]
    enum = enum[: enum.index("};")]
    for doc, name, value in re.findall(r"/\*\*(.*?)\*/\s*(KMIPKIT_RESULT_\w+) = (\d+),", enum, re.S):
        text = " ".join(line.strip(" *") for line in doc.strip().splitlines()).strip()
        camel = "".join(w.capitalize() for w in name[len("KMIPKIT_RESULT_"):].split("_"))
        rows.append(f"| `{name}` | 0x{int(value):04x} | `{camel}` | {text} |")
    return "\n".join(rows) + "\n"

def example():
    code = open(f"{here}/examples/encrypt_file.c").read()
    return "```c\n" + code + "```\n"

def between(text, marker, new=None):
    start, end = f"<!-- {marker}: begin -->\n", f"<!-- {marker}: end -->"
    i, j = text.index(start) + len(start), text.index(end)
    return text[i:j] if new is None else text[:i] + new + text[j:]

problems = []
generated = {"results-table (generated from kmipkit.h)": results_table(),
             "example (examples/encrypt_file.c)": example()}
for marker, want in generated.items():
    if mode == "--write":
        readme = between(readme, marker, want)
    elif between(readme, marker) != want:
        problems.append(f"the part between the '{marker}' markers is stale")
if mode == "--write":
    open(readme_path, "w").write(readme)

# The repository's README shows the same example.
top_path = f"{here}/../README.md"
top = open(top_path).read()
top_marker = "example (c-header/examples/encrypt_file.c)"
if mode == "--write":
    open(top_path, "w").write(between(top, top_marker, example()))
elif between(top, top_marker) != example():
    problems.append(f"README.md (the repository's): the part between the '{top_marker}' markers is stale")

frees = between(readme, "who-frees-what")
for t in re.findall(r"typedef struct (kmipkit_\w+) \1;", header):
    if f"`{t} *`" not in frees:
        problems.append(f"type {t} (kmipkit.h) has no row in the 'Who frees what' table")
for f in re.findall(r"\b(kmipkit_\w+_free)\(", header):
    if f"`{f}`" not in frees:
        problems.append(f"{f} (kmipkit.h) is not named in the 'Who frees what' table")
for p in problems:
    print(f"c-header/README.md: {p}", file=sys.stderr)
if problems:
    print("fix: c-header/check-readme.sh --write regenerates the generated parts; "
          "the 'Who frees what' table is edited by hand", file=sys.stderr)
    sys.exit(1)
print("c-header/README.md matches kmipkit.h and examples/encrypt_file.c")
PY
