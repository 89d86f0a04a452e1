"""Reads a FITS file with astropy and prints, as JSON, every HDU's header cards and its data.

Image data is written next to the output as little-endian float64 (physical values, NaN for blanks) so the
tests compare every pixel; table columns are printed as JSON lists.
usage: dump_fits.py FILE [FILE ...]   -> {FILE: [hdu, ...]}; pixels of HDU i of FILE go to FILE.astropy.i.f8
"""
import json
import sys

import numpy as np
from astropy.io import fits


def card_value(v):
    if isinstance(v, bool):
        return {"kind": "logical", "value": v}
    if isinstance(v, (int, np.integer)):
        return {"kind": "integer", "value": str(int(v))}
    if isinstance(v, (float, np.floating)):
        return {"kind": "real", "value": repr(float(v))}
    if isinstance(v, complex):
        return {"kind": "complex", "value": [v.real, v.imag]}
    if v is None or isinstance(v, fits.card.Undefined):
        return {"kind": "undefined", "value": None}
    return {"kind": "string", "value": str(v)}


def dump(path):
    prefix = path + ".astropy"
    out = []
    with fits.open(path) as hdul:
        for i, hdu in enumerate(hdul):
            cards = []
            for card in hdu.header.cards:
                if card.keyword in ("COMMENT", "HISTORY", ""):
                    cards.append({"keyword": card.keyword, "kind": "commentary", "value": str(card.value)})
                else:
                    entry = card_value(card.value)
                    entry["keyword"] = card.keyword
                    entry["comment"] = card.comment
                    cards.append(entry)
            item = {"index": i, "cards": cards, "type": type(hdu).__name__}
            if hdu.is_image and hdu.data is not None:
                data = np.asarray(hdu.data, dtype=np.float64)
                data.astype("<f8").tofile(f"{prefix}.{i}.f8")
                item["shape"] = list(data.shape)
                item["dtype"] = hdu.data.dtype.name
            out.append(item)
    return out


print(json.dumps({path: dump(path) for path in sys.argv[1:]}))
