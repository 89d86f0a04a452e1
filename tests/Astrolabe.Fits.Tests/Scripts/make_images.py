"""Writes image files with astropy covering every BITPIX, scaling, blanks, unsigned conventions, extensions,
gzip and header conventions (CONTINUE long strings, HIERARCH, COMMENT/HISTORY).

usage: make_images.py OUTDIR   -> prints the file names written, one per line
"""
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.io.fits.verify import VerifyWarning

warnings.simplefilter("ignore", VerifyWarning)
rng = np.random.default_rng(20261121)
outdir = sys.argv[1]
written = []


def save(name, hdul):
    path = os.path.join(outdir, name)
    hdul.writeto(path, overwrite=True)
    written.append(name)


shape = (3, 5, 7)  # NAXIS3, NAXIS2, NAXIS1
save("bitpix8.fits", fits.HDUList([fits.PrimaryHDU(rng.integers(0, 256, shape, dtype=np.uint8))]))
save("bitpix16.fits", fits.HDUList([fits.PrimaryHDU(rng.integers(-32768, 32767, shape, dtype=np.int16))]))
save("bitpix32.fits", fits.HDUList([fits.PrimaryHDU(rng.integers(-2**31, 2**31 - 1, shape, dtype=np.int32))]))
save("bitpix64.fits", fits.HDUList([fits.PrimaryHDU(rng.integers(-2**40, 2**40, shape, dtype=np.int64))]))
f32 = rng.normal(0, 1e3, shape).astype(np.float32)
f32[0, 1, 2] = np.nan
f32[2, 4, 6] = np.inf
save("bitpix-32.fits", fits.HDUList([fits.PrimaryHDU(f32)]))
f64 = rng.normal(0, 1e-20, shape)
f64[1, 1, 1] = np.nan
save("bitpix-64.fits", fits.HDUList([fits.PrimaryHDU(f64)]))

# Unsigned and signed-byte conventions (BZERO = 2^(n-1)).
save("uint16.fits", fits.HDUList([fits.PrimaryHDU(rng.integers(0, 65535, shape, dtype=np.uint16))]))
save("uint32.fits", fits.HDUList([fits.PrimaryHDU(rng.integers(0, 2**32 - 1, shape, dtype=np.uint32))]))
save("int8.fits", fits.HDUList([fits.PrimaryHDU(rng.integers(-128, 127, shape, dtype=np.int8))]))
save("uint64.fits", fits.HDUList([fits.PrimaryHDU(rng.integers(0, 2**40, shape, dtype=np.uint64) + np.uint64(2**62))]))

# Scaled integers with BLANK.
raw = rng.integers(-1000, 1000, shape, dtype=np.int16)
raw[0, 0, 0] = -32768
raw[2, 3, 4] = -32768
h = fits.PrimaryHDU(raw)
h.header["BSCALE"] = 0.25
h.header["BZERO"] = 100.0
h.header["BLANK"] = -32768
save("scaled16_blank.fits", fits.HDUList([h]))

raw32 = rng.integers(-100000, 100000, (4, 6), dtype=np.int32)
raw32[1, 2] = 999999
h = fits.PrimaryHDU(raw32)
h.header["BSCALE"] = 1.5e-3
h.header["BZERO"] = -7.0
h.header["BLANK"] = 999999
save("scaled32_blank.fits", fits.HDUList([h]))

raw8 = rng.integers(0, 255, (4, 6), dtype=np.uint8)
raw8[0, 0] = 255
h = fits.PrimaryHDU(raw8)
h.header["BLANK"] = 255
h.header["BSCALE"] = 2.0
h.header["BZERO"] = 1.0
save("scaled8_blank.fits", fits.HDUList([h]))

# A 2-D float image scaled on a float BITPIX (BSCALE applies to floats too).
h = fits.PrimaryHDU(rng.normal(0, 1, (4, 5)).astype(np.float32))
h.header["BSCALE"] = 3.0
h.header["BZERO"] = 0.5
save("scaled_float.fits", fits.HDUList([h]))

# Extensions: empty primary + two IMAGE extensions with names, and a 1-D image.
prim = fits.PrimaryHDU()
prim.header["OBSERVER"] = "Astrolabe tests"
ext1 = fits.ImageHDU(rng.normal(0, 1, (6, 8)).astype(np.float32), name="SCI")
ext2 = fits.ImageHDU(rng.integers(0, 100, (6, 8), dtype=np.int16), name="DQ")
ext3 = fits.ImageHDU(np.arange(11, dtype=np.float64), name="SPECTRUM")
save("extensions.fits", fits.HDUList([prim, ext1, ext2, ext3]))

# Header conventions.
h = fits.PrimaryHDU(np.zeros((2, 3), dtype=np.float32))
# No quotes in the long string: astropy 5.2 misreads doubled quotes on CONTINUE cards (ours: WriterTests).
h.header["LONGSTR"] = ("This is a long string value that certainly does not fit on one card and so "
                       "must be continued over several CONTINUE cards; it has got a few words inside, and ends here.",
                       "a comment that also runs on")
h.header["HIERARCH ESO DET CHIP TEMP"] = (-120.5, "detector temperature")
h.header["HIERARCH ESO OBS NAME"] = "orion survey"
h.header["QUOTED"] = "it's"
h.header["EMPTYSTR"] = ""
h.header["LEADING"] = "  leading blanks"
h.header["TRUTH"] = (True, "a logical")
h.header["FALSITY"] = False
h.header["BIGINT"] = 1234567890123
h.header["NEGREAL"] = -1.25e-30
h.header["COMPLEXV"] = 3.5 + 2j
h.header["UNDEF"] = None
h.header.add_comment("A comment card.")
h.header.add_history("First history line.")
h.header.add_history("Second history line, rather longer than the others, long enough to need wrapping onto more cards.")
h.header.add_blank("blank keyword commentary")
save("conventions.fits", fits.HDUList([h]))

# CHECKSUM/DATASUM on every HDU.
fits.HDUList([fits.PrimaryHDU(rng.normal(0, 1, (5, 6)).astype(np.float32)),
              fits.ImageHDU(rng.integers(0, 9, (3, 4), dtype=np.int16), name="FLAGS")]).writeto(
    os.path.join(outdir, "checksum.fits"), overwrite=True, checksum=True)
written.append("checksum.fits")

# gzip-compressed file.
save("compressed.fits.gz", fits.HDUList([fits.PrimaryHDU(rng.normal(0, 1, (4, 9, 10)).astype(np.float32))]))

print("\n".join(written))
