"""The astropy side of the FITS benchmark: header parse time and plane-by-plane read rate of the same file.

usage: astropy_bench.py CUBE_FILE REPEATS HEADER_FILE...  -> JSON {"header_us": [...], "planes_s": ..., ...}
"""
import json
import sys
import time

import numpy as np
from astropy.io import fits

cube_file, repeats, header_files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]


def header_time(path):
    with open(path, "rb") as f:
        raw = f.read()
    end = raw.index(b"END" + b" " * 77)
    text = raw[: (end // 2880 + 1) * 2880].decode("ascii")
    fits.Header.fromstring(text)  # warm-up
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(repeats):
            fits.Header.fromstring(text)
        best = min(best, (time.perf_counter() - t) / repeats)
    return best * 1e6


header_us = [header_time(p) for p in header_files]

# Plane by plane, each plane a float32 array in memory (what a pipeline does with each channel).
with fits.open(cube_file, memmap=False, lazy_load_hdus=True) as hdul:
    hdu = hdul[0]
    nplanes = hdu.header["NAXIS3"]
    t = time.perf_counter()
    total = 0.0
    for k in range(nplanes):
        plane = np.array(hdu.section[k], dtype=np.float32)
        total += float(plane[0, 0])
    planes_s = time.perf_counter() - t

# All at once, astropy's fastest path (memory-mapped, then converted to native float32).
t = time.perf_counter()
with fits.open(cube_file, memmap=True) as hdul:
    data = np.array(hdul[0].data, dtype=np.float32)
whole_s = time.perf_counter() - t

# Writing the same cube from memory (astropy's fastest write: one array).
out_path = cube_file + ".astropy-write.fits"
t = time.perf_counter()
fits.PrimaryHDU(data).writeto(out_path, overwrite=True)
write_s = time.perf_counter() - t
import os
os.remove(out_path)

print(json.dumps({"write_s": write_s, "header_us": header_us, "planes_s": planes_s, "whole_s": whole_s, "planes": nplanes}))
