"""Prints, as JSON, every column of table HDU number HDU in FILE as astropy reads it, row by row.

Values: numbers (NaN as null), booleans, strings, complex as [re, im]; array cells as flat lists (row-major).
usage: dump_table.py FILE HDU
"""
import json
import math
import sys

import numpy as np
from astropy.io import fits


def plain(v):
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("latin-1").rstrip()
    if isinstance(v, str):
        return v.rstrip()
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (np.integer, int)):
        return int(v)
    if isinstance(v, (np.complexfloating, complex)):
        return [float(v.real), float(v.imag)]
    if isinstance(v, (np.floating, float)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.ravel()]
    return v


path, index = sys.argv[1], int(sys.argv[2])
with fits.open(path) as hdul:
    hdu = hdul[index]
    out = {"rows": len(hdu.data), "columns": []}
    for col in hdu.columns:
        values = hdu.data[col.name]
        out["columns"].append({"name": col.name, "format": str(col.format),
                               "values": [plain(v) for v in values]})
print(json.dumps(out))
