"""Prints astropy's ICRS <-> FK5 (J2000) <-> Galactic conversions for a grid of positions, as JSON."""
import json

import numpy as np
import astropy.units as u
from astropy.coordinates import SkyCoord

lon, lat = np.meshgrid(np.linspace(0, 359, 13), np.linspace(-89, 89, 9))
lon, lat = lon.ravel(), lat.ravel()
out = {"lon": lon.tolist(), "lat": lat.tolist()}
for frame in ["icrs", "fk5", "galactic"]:
    c = SkyCoord(lon * u.deg, lat * u.deg, frame=frame)
    for target in ["icrs", "fk5", "galactic"]:
        if target == frame:
            continue
        t = c.transform_to(target)
        sph = t.spherical
        out[f"{frame}->{target}"] = [sph.lon.deg.tolist(), sph.lat.deg.tolist()]
print(json.dumps(out))
