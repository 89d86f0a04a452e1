"""Prints, as JSON, astropy's verdict on the CHECKSUM and DATASUM of every HDU of FILE (1 = good, 0 = bad, 2 = absent)."""
import json
import sys
import warnings

from astropy.io import fits

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with fits.open(sys.argv[1], checksum=True) as hdul:
        result = [[hdu.verify_checksum(), hdu.verify_datasum()] for hdu in hdul]
print(json.dumps({"hdus": result, "warnings": [str(w.message) for w in caught]}))
