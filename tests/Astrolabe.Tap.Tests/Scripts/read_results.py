"""Reads VOTable files written by the service with astropy and prints their columns and rows as JSON.

Usage: /usr/bin/python3 read_results.py FILE...
"""
import json
import math
import sys
import warnings

import numpy as np

from astropy.io import votable

# Every VOTable spec complaint fails the test, W06 (a UCD astropy's UCD1+ list refuses) included: the columns
# the translator makes up (a POINT) carry UCDs too.
warnings.simplefilter("error", votable.exceptions.VOTableSpecWarning)
out = {}
for path in sys.argv[1:]:
    table = votable.parse(path, verify="warn").get_first_table()
    fields = [{"name": f.name, "datatype": f.datatype, "arraysize": f.arraysize, "unit": str(f.unit) if f.unit else None,
               "xtype": f.xtype} for f in table.fields]
    data = table.to_table()
    rows = []
    for i in range(len(data)):
        cells = []
        for name in data.colnames:
            column = data[name]
            mask = getattr(column, "mask", None)
            if mask is not None and bool(np.all(mask[i])):
                cells.append(None)
                continue
            value = column[i]
            value = value.tolist() if hasattr(value, "tolist") else value
            if isinstance(value, bytes):
                value = value.decode()
            if isinstance(value, float) and math.isnan(value):
                value = None
            cells.append(value)
        rows.append(cells)
    out[path] = {"fields": fields, "rows": rows}
print(json.dumps(out, default=str))
