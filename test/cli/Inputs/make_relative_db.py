"""make_relative_db.py DIR N: N projects under DIR, each compiled from its own directory with
relative file names and include paths, all in DIR/compile_commands.json."""
import json
import os
import sys

out, n = sys.argv[1], int(sys.argv[2])
entries = []
for i in range(n):
    proj = os.path.join(out, f"proj{i}")
    os.makedirs(os.path.join(proj, "include"), exist_ok=True)
    with open(os.path.join(proj, "include", f"only{i}.h"), "w") as fh:
        fh.write("#include <unistd.h>\n")
    with open(os.path.join(proj, f"unit{i}.c"), "w") as fh:
        fh.write(f'#include "only{i}.h"\nvoid f{i}(void) {{ fork(); }}\n')
    entries.append({"directory": proj, "file": f"unit{i}.c",
                    "arguments": ["cc", "-Iinclude", "-c", f"unit{i}.c"]})
with open(os.path.join(out, "compile_commands.json"), "w") as fh:
    json.dump(entries, fh, indent=1)
