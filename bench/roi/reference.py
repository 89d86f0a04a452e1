#!/usr/bin/python3
"""Reference region-of-interest finder in numpy, scipy and astropy (Debian python3-numpy/-scipy/-astropy).

It does the same steps as Astrolabe.Regions, in the idiomatic vectorised Python way, so the benchmark compares like
with like: read the cube, robust noise (clipped MAD per channel, then a spectral MAD map averaged over 5x5 pixels),
smooth over 3 spatial x 3 spectral scales with a clip at 4 sigma of each smoothed cube, link voxels closer than
2 pixels/channels into regions, drop small/faint ones, and measure each region (centroid, sums, moments, footprint
area, convex hull).

    reference.py [--jobs N] [--warm-up] FILE...
        prints one JSON line: {"files", "seconds", "cpu_seconds", "regions", "peak_rss_mb"}; with --warm-up the first
        file is searched once before the clock starts (as the C# bench child does for its JIT).
"""
import argparse
import json
import resource
import sys
import time
from multiprocessing import Pool

import numpy as np
from astropy.io import fits
from scipy import ndimage
from scipy.spatial import ConvexHull

MAD_TO_SIGMA = 1.482602218505602


def robust_sigma(values, clip=3.5, iterations=8):
    x = values[np.isfinite(values)]
    if x.size < 16:
        return np.nan
    sigma = previous = np.nan
    for _ in range(iterations):
        median = np.median(x)
        sigma = MAD_TO_SIGMA * np.median(np.abs(x - median))
        if sigma == 0 or abs(sigma - previous) < 1e-3 * sigma:
            break
        previous = sigma
        keep = np.abs(x - median) <= clip * sigma
        if keep.all() or keep.sum() < 16:
            break
        x = x[keep]
    return sigma


def strided(values, n):
    flat = values.ravel()
    return flat[:: max(1, flat.size // n)]


def find(path, threshold=4.0, spatial=(0, 3, 6), spectral=(1, 3, 7), merge=2, min_pixels=4, min_channels=2, min_snr=4.0):
    # float32 throughout and in place where numpy allows: a 1024x1024x256 cube (1 GiB) needs about 4 GiB, not 10.
    with fits.open(path, memmap=False) as hdul:
        header = hdul[0].header
        data = hdul[0].data
        del hdul[0].data
    if not data.dtype.isnative:
        data = data.byteswap(inplace=True).view(data.dtype.newbyteorder())  # FITS is big-endian; swap in place
    if data.dtype != np.float32:
        data = data.astype(np.float32)
    data = data.reshape(data.shape[-3:]) if data.ndim >= 3 else data[None]
    nz, ny, nx = data.shape
    pixel_arcsec = abs(header.get("CDELT1", 1.0)) * 3600
    beam = np.pi / (4 * np.log(2)) * header.get("BMAJ", 0) * header.get("BMIN", 0) * 3600**2 / pixel_arcsec**2
    beam = beam if beam > 0 else 1.0

    # Noise: per channel (a strided sample), then a map from each pixel's spectrum (both clipped MADs). Like the C#
    # finder, long spectra use every other pixel in x and y and at most 128 channels; the map is averaged over 5x5.
    sigma_z = np.array([robust_sigma(strided(plane, 2500)) for plane in data])
    typical = np.nanmedian(sigma_z[sigma_z > 0])
    sigma_z = np.where(sigma_z > 0, sigma_z, typical).astype(np.float32)
    snr = data  # the S/N cube replaces the data; region values are recovered from it and the noise below
    snr /= sigma_z[:, None, None]
    step = 2 if nz >= 64 else 1
    cstep = -(-nz // 128)
    mad = np.full((ny, nx), np.nan, dtype=np.float32)
    with np.errstate(invalid="ignore"), np.testing.suppress_warnings() as sup:
        sup.filter(RuntimeWarning)
        for y0 in range(0, ny, 64):  # blocks of rows keep the temporaries small
            block = snr[::cstep, y0:y0 + 64:step, ::step]
            median = np.nanmedian(block, axis=0)
            finite = np.isfinite(block).sum(axis=0)
            m = np.nanmedian(np.abs(block - median), axis=0)
            m[finite < 8] = np.nan
            mad[y0:y0 + 64:step, ::step] = m
    finite = np.isfinite(mad)
    total = ndimage.uniform_filter(np.where(finite, mad, 0.0), 5, mode="constant")
    count = ndimage.uniform_filter(finite.astype(np.float64), 5, mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        noise_map = (MAD_TO_SIGMA * total / count).astype(np.float32)
        noise_map[~(noise_map > 0)] = np.nan
    snr /= noise_map[None]
    blank = ~np.isfinite(snr)
    snr[blank] = 0
    keep = ~blank

    # Smooth and clip, into buffers allocated once.
    mask = np.zeros(snr.shape, dtype=bool)
    above = np.empty(snr.shape, dtype=bool)
    smoothed = np.empty_like(snr) if any(spatial) else None
    both = np.empty_like(snr) if nz > 1 and any(w > 1 for w in spectral) else None
    sample = slice(None, None, max(1, snr.size // 250_000))
    keep_sample = keep.ravel()[sample]
    for fwhm in spatial:
        if fwhm == 0:
            plane_smoothed = snr
        else:
            ndimage.gaussian_filter(snr, (0, fwhm / 2.3548, fwhm / 2.3548), mode="constant", truncate=3.0, output=smoothed)
            plane_smoothed = smoothed
        for width in spectral if nz > 1 else (1,):
            if width == 1:
                cube = plane_smoothed
            else:
                ndimage.uniform_filter1d(plane_smoothed, width, axis=0, mode="constant", output=both)
                cube = both
            sigma = robust_sigma(cube.ravel()[sample][keep_sample])
            np.greater(cube, threshold * sigma, out=above)
            above &= keep
            mask |= above
    del smoothed, both

    # Link: a 2x2x2 dilation then 26-connectivity joins voxels up to 2 pixels/channels apart.
    ndimage.binary_dilation(mask, structure=np.ones((min(merge, nz),) + (merge, merge), dtype=bool), output=above)
    labels, n = ndimage.label(above, structure=np.ones((3, 3, 3), dtype=bool))
    del above
    labels *= mask

    regions = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        member = labels[box] == index
        z, y, x = np.nonzero(member)
        values = (snr[box][member] * sigma_z[z + box[0].start] * noise_map[y + box[1].start, x + box[2].start]).astype(np.float64)
        footprint = member.any(axis=0)
        area = int(footprint.sum())
        channels = int(member.any(axis=(1, 2)).sum())
        integrated = snr[box][member].sum() / np.sqrt(member.sum() * min(beam, area))
        if area < min_pixels or (nz > 1 and channels < min_channels) or integrated < min_snr:
            continue
        w = np.clip(values, 0, None)
        wsum = w.sum()
        if wsum > 0:
            cx, cy = (w * x).sum() / wsum, (w * y).sum() / wsum
            mxx = (w * (x - cx) ** 2).sum() / wsum
            myy = (w * (y - cy) ** 2).sum() / wsum
            mxy = (w * (x - cx) * (y - cy)).sum() / wsum
        else:
            cx, cy, mxx, myy, mxy = x.mean(), y.mean(), 0.0, 0.0, 0.0
        fy, fx = np.nonzero(footprint)
        corners = np.concatenate([np.stack([fx + dx, fy + dy], axis=1) for dx in (-0.5, 0.5) for dy in (-0.5, 0.5)])
        hull = ConvexHull(corners).volume
        regions.append({
            "x": float(cx + box[2].start), "y": float(cy + box[1].start), "area": area, "solidity": area / hull,
            "sum": float(values.sum()), "peak": float(values.max()), "snr": float(integrated),
            "moments": [float(mxx), float(myy), float(mxy)],
        })
    return len(regions)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--warm-up", action="store_true")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    if args.warm_up:
        find(args.files[0])
    start = time.perf_counter()
    cpu_start = cpu_seconds()
    if args.jobs > 1:
        pool = Pool(args.jobs)
        counts = pool.map(find, args.files, chunksize=1)
        pool.close()
        pool.join()  # reaped workers count in RUSAGE_CHILDREN
    else:
        counts = [find(f) for f in args.files]
    print(json.dumps({"files": len(args.files), "seconds": time.perf_counter() - start,
                      "cpu_seconds": cpu_seconds() - cpu_start, "regions": int(sum(counts)),
                      "peak_rss_mb": peak_rss_mb()}))


def peak_rss_mb():
    """Largest resident set of this process or any one worker (ru_maxrss is in KiB on Linux)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return max(own.ru_maxrss, children.ru_maxrss) / 1024


def cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    sys.exit(main())
