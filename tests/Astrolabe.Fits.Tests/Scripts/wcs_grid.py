"""Prints astropy.wcs pixel->world and world->pixel over a grid of pixels for the WCS of each given FITS file.

Pixels are 0-based (origin=0). For each file: the pixel grid, the world coordinates astropy gives, and the
pixels astropy gives back for those world coordinates.
usage: wcs_grid.py FILE [FILE ...]
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS, FITSFixedWarning

warnings.simplefilter("ignore", FITSFixedWarning)


def grid(shape, n=7):
    axes = [np.linspace(0, max(s - 1, 0), min(n, s)) for s in shape]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def main():
    result = {}
    for path in sys.argv[1:]:
        header = fits.getheader(path)
        w = WCS(header)
        shape = [header.get(f"NAXIS{i + 1}", 1) for i in range(w.naxis)]
        pix = grid(shape)
        world = w.all_pix2world(pix, 0)
        back = w.all_world2pix(world, 0)
        result[path] = {
            "ctype": list(w.wcs.ctype),
            "cunit": [str(u) for u in w.wcs.cunit],
            "pixel": pix.tolist(),
            "world": world.tolist(),
            "back": back.tolist(),
        }
    print(json.dumps(result))


main()
