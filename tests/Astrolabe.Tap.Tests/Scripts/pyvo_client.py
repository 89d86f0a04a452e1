"""Drives the TAP service with pyvo (Debian python3-pyvo) as an astronomer would; prints one JSON object.

Usage: /usr/bin/python3 pyvo_client.py TAP_URL
"""
import json
import sys
import warnings

import pyvo
from astropy.table import Table

url = sys.argv[1]
service = pyvo.dal.TAPService(url)
out = {}

# Synchronous query.
result = service.run_sync("SELECT TOP 5 object_id, ra, dec FROM demo.objects ORDER BY object_id")
out["sync_ids"] = [int(x) for x in result["object_id"]]

# Asynchronous query: submit, run, wait, fetch, delete.
job = service.submit_job("SELECT COUNT(*) AS n FROM demo.objects WHERE mag_r < 20")
job.run()
job.wait(phases=["COMPLETED", "ERROR", "ABORTED"], timeout=120)
out["async_phase"] = job.phase
job.raise_if_error()
out["async_count"] = int(job.fetch_result().to_table()["n"][0])
job.delete()

# Upload: a table of positions joined with the catalogue.
positions = Table({"name": ["a", "b"], "ra": [150.0, 30.0], "dec": [20.0, -45.0]})
result = service.run_sync(
    "SELECT u.name, COUNT(*) AS n FROM TAP_UPLOAD.pos AS u JOIN demo.objects AS o "
    "ON 1 = CONTAINS(POINT('ICRS', o.ra, o.dec), CIRCLE('ICRS', u.ra, u.dec, 5.0)) "
    "GROUP BY u.name ORDER BY u.name",
    uploads={"pos": positions})
out["upload_counts"] = {str(n): int(c) for n, c in zip(result["name"], result["n"])}

# MAXREC overflow: the client must learn the result was truncated.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = service.run_sync("SELECT object_id FROM demo.objects", maxrec=10)
    out["maxrec_rows"] = len(result)
    out["maxrec_overflow_warning"] = any("overflow" in type(w.message).__name__.lower() or "overflow" in str(w.message).lower()
                                         for w in caught)
out["maxrec_query_status"] = str(result.query_status)

# An error is reported as such, with the service's message.
try:
    service.run_sync("SELECT nosuchcolumn FROM demo.objects")
    out["error"] = None
except pyvo.dal.DALQueryError as e:
    out["error"] = str(e)

print(json.dumps(out))
