"""Writes small FITS images whose headers exercise one WCS feature each, then prints astropy.wcs grids for them.

usage: wcs_cases.py OUTDIR   -> JSON {case name: {file, pixel, world, back}}
"""
import json
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS, FITSFixedWarning

warnings.simplefilter("ignore", FITSFixedWarning)


def celestial(proj, crval=(150.0, 2.2), cdelt=(-0.01, 0.01), lon="RA--", lat="DEC-", n=40, extra=None):
    h = {
        "NAXIS": 2, "NAXIS1": n, "NAXIS2": n,
        "CRPIX1": n / 2 + 0.5, "CRPIX2": n / 2 - 3.25,
        "CRVAL1": crval[0], "CRVAL2": crval[1],
        "CDELT1": cdelt[0], "CDELT2": cdelt[1],
        "CUNIT1": "deg", "CUNIT2": "deg",
    }
    h["CTYPE1"] = (lon.rstrip("-") + "-----")[:5] + proj
    h["CTYPE2"] = (lat.rstrip("-") + "-----")[:5] + proj
    if extra:
        h.update(extra)
    return h


def cases():
    c = {}
    for proj in ["SIN", "TAN", "ARC", "ZEA", "STG"]:
        c[f"{proj}_small"] = celestial(proj)
        c[f"{proj}_wide_south"] = celestial(proj, crval=(10.0, -62.5), cdelt=(-1.5, 1.5))
        c[f"{proj}_pc_rotated"] = celestial(proj, crval=(280.0, 45.0), cdelt=(-0.2, 0.2),
                                           extra={"PC1_1": 0.866, "PC1_2": -0.5, "PC2_1": 0.5, "PC2_2": 0.866})
        c[f"{proj}_cd_matrix"] = {k: v for k, v in celestial(proj, crval=(33.0, 71.0)).items() if not k.startswith("CDELT")}
        c[f"{proj}_cd_matrix"].update({"CD1_1": -2.1e-4, "CD1_2": 3.0e-5, "CD2_1": 2.5e-5, "CD2_2": 2.0e-4})
        c[f"{proj}_galactic_lonpole"] = celestial(proj, crval=(120.0, -30.0), cdelt=(-0.5, 0.5), lon="GLON", lat="GLAT",
                                                  extra={"LONPOLE": 170.0})
        c[f"{proj}_near_pole"] = celestial(proj, crval=(45.0, 89.5), cdelt=(-0.05, 0.05))
    for proj in ["CAR", "AIT", "MOL", "SFL", "MER", "CEA"]:
        c[f"{proj}_allsky"] = celestial(proj, crval=(0.0, 0.0), cdelt=(-4.0, 4.0), n=40)
        c[f"{proj}_offset"] = celestial(proj, crval=(200.0, 0.0), cdelt=(-1.0, 1.0), n=30)
        c[f"{proj}_galactic"] = celestial(proj, crval=(30.0, 0.0), cdelt=(-0.5, 0.5), lon="GLON", lat="GLAT")
        c[f"{proj}_oblique"] = celestial(proj, crval=(83.0, -5.0), cdelt=(-0.1, 0.1))
        c[f"{proj}_oblique_latpole"] = celestial(proj, crval=(83.0, 25.0), cdelt=(-0.1, 0.1), extra={"LATPOLE": -10.0})
        c[f"{proj}_lonpole"] = celestial(proj, crval=(10.0, 30.0), cdelt=(-0.3, 0.3), extra={"LONPOLE": 30.0})
    c["PAR_allsky"] = celestial("PAR", crval=(0.0, 0.0), cdelt=(-4.0, 4.0))
    c["PAR_oblique"] = celestial("PAR", crval=(83.0, -5.0), cdelt=(-0.1, 0.1))
    c["CYP_default"] = celestial("CYP", crval=(30.0, 10.0), cdelt=(-1.0, 1.0))
    c["CYP_params"] = celestial("CYP", crval=(30.0, 10.0), cdelt=(-1.0, 1.0), extra={"PV2_1": 0.5, "PV2_2": 0.8})
    c["AZP_mu"] = celestial("AZP", crval=(200.0, 60.0), cdelt=(-0.5, 0.5), extra={"PV2_1": 2.0})
    c["SIN_slant"] = celestial("SIN", crval=(40.0, 20.0), cdelt=(-0.5, 0.5), extra={"PV2_1": 0.1, "PV2_2": -0.2})
    c["TAN_crota"] = {k: v for k, v in celestial("TAN", crval=(12.0, -40.0), cdelt=(-0.02, 0.03)).items()}
    c["TAN_crota"]["CROTA2"] = 25.0
    c["TAN_arcsec_units"] = celestial("TAN", crval=(12.0 * 3600, -40.0 * 3600), cdelt=(-3.6, 3.6),
                                      extra={"CUNIT1": "arcsec", "CUNIT2": "arcsec"})
    # Old AIPS conventions (translated as wcslib does) and a fiducial point moved with PVi_0..2 of the longitude axis.
    c["NCP_legacy"] = celestial("NCP", crval=(10.0, 40.0), cdelt=(-0.1, 0.1))
    c["GLS_legacy"] = celestial("GLS", crval=(10.0, 40.0), cdelt=(-0.1, 0.1))
    c["SFL_fiducial"] = celestial("SFL", crval=(10.0, 30.0), cdelt=(-0.2, 0.2), extra={"PV1_0": 1.0, "PV1_1": 0.0, "PV1_2": 30.0})
    c["CAR_fiducial"] = celestial("CAR", crval=(120.0, -20.0), cdelt=(-0.5, 0.5), extra={"PV1_0": 1.0, "PV1_1": 10.0, "PV1_2": -20.0})
    c["TAN_icrs"] = celestial("TAN", extra={"RADESYS": "ICRS"})
    c["TAN_fk4"] = celestial("TAN", extra={"RADESYS": "FK4", "EQUINOX": 1950.0})
    # Spectral cubes: celestial + spectral (+ Stokes).
    spectral = {
        "FREQ_Hz": ("FREQ", "Hz", 2.3e11, -4.88e5),
        "FREQ_GHz": ("FREQ", "GHz", 115.27, 0.0005),
        "VRAD_kms": ("VRAD", "km/s", -5.0, 0.5),
        "VRAD_ms": ("VRAD", "m/s", 1200.0, -250.0),
        "VOPT_kms": ("VOPT", "km/s", 3000.0, 10.0),
        "WAVE_m": ("WAVE", "m", 2.1e-1, 1e-5),
        "WAVE_um": ("WAVE", "um", 1.6, 0.001),
        "FREQ_W2F": ("FREQ-W2F", "GHz", 230.0, -0.05),
        "WAVE_F2W": ("WAVE-F2W", "mm", 1.3, 0.0004),
        "VOPT_F2W": ("VOPT-F2W", "km/s", 1500.0, 40.0),
        "VRAD_V2F": ("VRAD-V2F", "km/s", 20.0, 3.0),
        "VELO_F2V": ("VELO-F2V", "km/s", 9000.0, 150.0),
        "FREQ_LOG": ("FREQ-LOG", "Hz", 1.4e9, 2e6),
        "WAVE_LOG": ("WAVE-LOG", "m", 5e-7, 1e-9),
    }
    for name, (ctype, unit, crval, cdelt) in spectral.items():
        h = celestial("SIN", crval=(83.8, -5.4), cdelt=(-1e-4, 1e-4), n=30)
        h.update({"NAXIS": 4, "NAXIS3": 25, "NAXIS4": 1, "CTYPE3": ctype, "CUNIT3": unit, "CRVAL3": crval,
                  "CDELT3": cdelt, "CRPIX3": 3.0, "CTYPE4": "STOKES", "CRVAL4": 1.0, "CDELT4": 1.0, "CRPIX4": 1.0,
                  "RESTFRQ": 2.2975900e11, "SPECSYS": "LSRK"})
        c[f"cube_{name}"] = h
    for name, ctype, velref in [("VELO_LSR_radio", "VELO-LSR", 257), ("VELO_HEL_optical", "VELO-HEL", 2),
                                ("FELO_HEL", "FELO-HEL", None), ("FREQ_LSR", "FREQ-LSR", None)]:
        h = dict(c["cube_VRAD_ms"])
        h["CTYPE3"] = ctype
        if ctype.startswith("FREQ"):
            h.update({"CUNIT3": "Hz", "CRVAL3": 2.2975e11, "CDELT3": 1e6})
        if velref is not None:
            h["VELREF"] = velref
        c[f"cube_{name}"] = h
    c["cube_coupled_pc"] = dict(c["cube_FREQ_Hz"])
    c["cube_coupled_pc"].update({"PC1_1": 0.9, "PC1_2": 0.1, "PC2_1": -0.1, "PC2_2": 0.95})
    return c


def grid(shape, n=6):
    axes = [np.linspace(0, max(s - 1, 0), min(n, s)) for s in shape]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def main():
    outdir = sys.argv[1]
    result = {}
    for name, cards in cases().items():
        header = fits.Header()
        for k, v in cards.items():
            if k not in ("NAXIS",) and not k.startswith("NAXIS"):
                header[k] = v
        shape = [cards[f"NAXIS{i + 1}"] for i in range(cards["NAXIS"])]
        hdu = fits.PrimaryHDU(data=np.zeros(shape[::-1], dtype=np.uint8), header=header)
        path = os.path.join(outdir, name + ".fits")
        hdu.writeto(path, overwrite=True)
        try:
            w = WCS(fits.getheader(path))
        except Exception as e:
            raise SystemExit(f"{name}: {e}")
        pix = grid(shape)
        world = w.all_pix2world(pix, 0)
        with np.errstate(all="ignore"):
            try:
                back = w.all_world2pix(world, 0, quiet=True)
            except Exception:
                back = np.full_like(world, np.nan)
        result[name] = {"file": path, "ctype": list(w.wcs.ctype), "pixel": pix.tolist(),
                        "world": np.where(np.isfinite(world), world, None).tolist(),
                        "back": np.where(np.isfinite(back), back, None).tolist()}
    print(json.dumps(result))


main()
