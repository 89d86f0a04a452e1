"""Writes tables with astropy: a BINTABLE with every column type (and repeats, TDIM, scaling, TNULL, unsigned
conventions, variable-length P and Q arrays) and an ASCII TABLE with every field type.

usage: make_tables.py OUTDIR  -> prints the file names written
"""
import os
import sys

import numpy as np
from astropy.io import fits

rng = np.random.default_rng(7)
outdir = sys.argv[1]
n = 23

# (Signed bytes, B with TZERO = -128, are not here: astropy 5.2 cannot write them; WriterTests covers them.)
cols = [
    fits.Column(name="flag", format="L", array=rng.integers(0, 2, n).astype(bool)),
    fits.Column(name="bits", format="13X", array=rng.integers(0, 2, (n, 13)).astype(bool)),
    fits.Column(name="byte", format="B", array=rng.integers(0, 256, n).astype(np.uint8)),
    fits.Column(name="short", format="I", array=rng.integers(-32768, 32767, n).astype(np.int16)),
    fits.Column(name="int", format="J", array=rng.integers(-2**31, 2**31 - 1, n).astype(np.int32), null=-999),
    fits.Column(name="long", format="K", array=rng.integers(-2**62, 2**62, n).astype(np.int64)),
    fits.Column(name="name", format="10A", array=np.array([f"src-{i}" * (i % 3) for i in range(n)])),
    fits.Column(name="flux", format="E", unit="Jy", array=rng.normal(0, 1, n).astype(np.float32)),
    fits.Column(name="ra", format="D", unit="deg", array=rng.uniform(0, 360, n)),
    fits.Column(name="cplx", format="C", array=(rng.normal(size=n) + 1j * rng.normal(size=n)).astype(np.complex64)),
    fits.Column(name="dcplx", format="M", array=rng.normal(size=n) + 1j * rng.normal(size=n)),
    fits.Column(name="vec3", format="3E", array=rng.normal(size=(n, 3)).astype(np.float32)),
    fits.Column(name="mat", format="6D", dim="(3,2)", array=rng.normal(size=(n, 2, 3))),
    fits.Column(name="ushort", format="I", bzero=32768, array=rng.integers(0, 65535, n).astype(np.uint16)),
    fits.Column(name="uint", format="J", bzero=2**31, array=rng.integers(0, 2**32 - 1, n).astype(np.uint32)),
    fits.Column(name="ulong", format="K", bzero=2**63, array=(rng.integers(0, 2**62, n).astype(np.uint64) * np.uint64(3))),
    fits.Column(name="scaled", format="I", array=rng.integers(-100, 100, n).astype(np.int16)),
    fits.Column(name="varf", format="PE()", array=np.array([rng.normal(size=i % 5).astype(np.float32) for i in range(n)], dtype=object)),
    fits.Column(name="vard", format="QD()", array=np.array([rng.normal(size=(i * 3) % 4) for i in range(n)], dtype=object)),
    fits.Column(name="varj", format="PJ()", array=np.array([np.arange(i % 3, dtype=np.int32) for i in range(n)], dtype=object)),
]
flux = cols[7].array
flux[3] = np.nan
binary = fits.BinTableHDU.from_columns(cols, name="EVERYTYPE")
fits.HDUList([fits.PrimaryHDU(), binary]).writeto(os.path.join(outdir, "bintable.fits"), overwrite=True)
# astropy 5.2 cannot write a scaled integer column from physical values; add TSCAL/TZERO to the stored integers.
with fits.open(os.path.join(outdir, "bintable.fits"), mode="update") as hdul:
    k = [c.name for c in hdul[1].columns].index("scaled") + 1
    hdul[1].header[f"TSCAL{k}"] = 0.5
    hdul[1].header[f"TZERO{k}"] = 10.0

ascii_cols = [
    fits.Column(name="id", format="I6", array=np.arange(n) * 37 - 200),
    fits.Column(name="label", format="A8", array=np.array([f"obj{i}" for i in range(n)])),
    fits.Column(name="fixed", format="F10.4", array=np.round(rng.normal(0, 100, n), 4)),
    fits.Column(name="expo", format="E15.7", array=rng.normal(0, 1e10, n)),
    fits.Column(name="dbl", format="D25.17", array=rng.normal(0, 1e-5, n)),
]
ascii_table = fits.TableHDU.from_columns(ascii_cols, name="ASCII")
fits.HDUList([fits.PrimaryHDU(), ascii_table]).writeto(os.path.join(outdir, "asciitable.fits"), overwrite=True)
print("bintable.fits\nasciitable.fits")
