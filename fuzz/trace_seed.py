#!/usr/bin/env python3
"""trace_seed.py OUT LOG...: one input for the trace fuzz target from real session logs: the 8
control bytes (root wait status 0, flags 0), then each log cut after its used slots (logs are
sized for their capacity; the rest is zeros), separated as the target expects."""
import struct
import sys

HEADER, RECORD, SEPARATOR = 4096, 512, b"\n--procsan-log--\n"


def used_part(data):
    if len(data) < 56:
        return data
    capacity = struct.unpack_from("<I", data, 12)[0]
    next_index = struct.unpack_from("<Q", data, 40)[0]
    return data[:HEADER + min(next_index, capacity) * RECORD]


out, logs = sys.argv[1], sys.argv[2:]
parts = [used_part(open(p, "rb").read()) for p in logs]
with open(out, "wb") as fh:
    fh.write(struct.pack("<iI", 0, 0) + SEPARATOR.join(parts))
