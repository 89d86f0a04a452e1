"""Writes the same small star table as a VOTable (BINARY2) and a FITS binary table with astropy, with units,
UCDs and descriptions, and prints the HEALPix NESTED pixels of its positions (healpy) as JSON.

Usage: /usr/bin/python3 make_tables.py OUTDIR ORDER
"""
import json
import sys

import healpy
import numpy as np
from astropy.io.votable.tree import VOTableFile
from astropy.table import Table

outdir, order = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(42)
n = 500
ra = rng.uniform(0, 360, n)
dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
vmag = rng.uniform(8, 16, n).astype(np.float32)
ident = np.arange(1, n + 1, dtype=np.int64)
name = np.array([f"S{i:04d}" for i in ident])

table = Table([ident, name, ra, dec, vmag], names=["star_id", "name", "ra_icrs", "de_icrs", "vmag"])
table["ra_icrs"].unit = "deg"
table["de_icrs"].unit = "deg"
table["vmag"].unit = "mag"
table["ra_icrs"].description = "Right ascension"
table["de_icrs"].description = "Declination"
table["vmag"].description = "Visual magnitude"
table.write(f"{outdir}/stars.fits", format="fits", overwrite=True)

votable = VOTableFile.from_table(table)
fields = votable.get_first_table().fields
for f in fields:
    if f.name == "ra_icrs":
        f.ucd = "pos.eq.ra;meta.main"
    if f.name == "de_icrs":
        f.ucd = "pos.eq.dec;meta.main"
    if f.name == "vmag":
        f.ucd = "phot.mag;em.opt.V"
votable.to_xml(f"{outdir}/stars.vot", tabledata_format="binary2")

pixels = healpy.ang2pix(2 ** order, ra, dec, nest=True, lonlat=True)
print(json.dumps({"ids": ident.tolist(), "ra": ra.tolist(), "dec": dec.tolist(), "vmag": [float(v) for v in vmag],
                  "pixels": [int(p) for p in pixels]}))
