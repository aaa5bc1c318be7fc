"""make_db.py DIR FILE...: writes DIR/compile_commands.json compiling each FILE with -Wall."""
import json
import os
import sys

out, files = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
entries = [{"directory": out, "file": os.path.abspath(f),
            "arguments": ["cc", "-Wall", "-c", os.path.abspath(f)]} for f in files]
with open(os.path.join(out, "compile_commands.json"), "w") as fh:
    json.dump(entries, fh, indent=1)
