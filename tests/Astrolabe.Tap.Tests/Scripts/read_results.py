"""Reads VOTable files written by the service with astropy and prints their columns and rows as JSON.

Usage: /usr/bin/python3 read_results.py FILE...
"""
import json
import math
import sys
import warnings

from astropy.io import votable

warnings.simplefilter("error", votable.exceptions.VOTableSpecWarning)
out = {}
for path in sys.argv[1:]:
    table = votable.parse(path, verify="exception").get_first_table()
    fields = [{"name": f.name, "datatype": f.datatype, "arraysize": f.arraysize, "unit": str(f.unit) if f.unit else None,
               "xtype": f.xtype} for f in table.fields]
    rows = []
    for row in table.array:
        cells = []
        for value, field in zip(row, table.fields):
            if hasattr(value, "mask") and getattr(value, "mask") is True:
                cells.append(None)
            elif value is None or (hasattr(value, "dtype") and str(value.dtype) != "object" and getattr(value, "size", 1) == 1 and value.dtype.kind == "f" and math.isnan(float(value))):
                cells.append(None)
            elif hasattr(value, "tolist"):
                v = value.tolist()
                cells.append(None if v is None else v)
            else:
                cells.append(value)
        rows.append(cells)
    out[path] = {"fields": fields, "rows": rows,
                 "serialization": table.format}
print(json.dumps(out, default=str))
