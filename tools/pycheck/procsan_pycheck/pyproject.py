"""What procsan reads from a pyproject.toml: the [tool.procsan] table and [project]
requires-python. `pycheck.py --read-toml FILE` prints it as JSON for the driver
(tools/procsan/PyprojectConfig.cpp), which decides what the settings mean:
  {"path": P, "error": null | {"message", "line", "column"},
   "procsan": null | {the [tool.procsan] table}, "requires_python": null | "..."}
"""
import math

from .toml import TomlError, loads


def _plain(value):
    """JSON without NaN or Infinity, which the driver's parser rejects."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def read(path, force_own=False):
    out = {"path": path, "error": None, "procsan": None, "requires_python": None}

    def error(message, line=0, column=0):
        out["error"] = {"message": message, "line": line, "column": column}
        return out

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return error("cannot read it: %s" % (e.strerror or e))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return error("not UTF-8 (byte %d), which TOML must be" % e.start)
    try:
        doc = loads(text, force_own)
    except TomlError as e:
        return error("not valid TOML: %s" % e.message, e.line, e.column)
    except (RecursionError, MemoryError, ValueError) as e:
        return error("not valid TOML: %s" % e)
    tool = doc.get("tool")
    if isinstance(tool, dict) and "procsan" in tool:
        if not isinstance(tool["procsan"], dict):
            return error("'tool.procsan' must be a table ([tool.procsan])")
        out["procsan"] = _plain(tool["procsan"])
    project = doc.get("project")
    if isinstance(project, dict) and "requires-python" in project:
        rp = project["requires-python"]
        if not isinstance(rp, str):
            return error("'project.requires-python' must be a string like \">=3.9\"")
        out["requires_python"] = rp
    return out
