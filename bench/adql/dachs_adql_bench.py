"""DaCHS 2.7's ADQL library (Debian python3-gavo) on the same queries: parse, annotate against column
metadata given here (no database), morph to PostgreSQL and flatten to SQL text. Prints JSON
{"median_us": ..., "per_query_us": [...]} or {"error": ...}."""
import json
import statistics
import sys
import time

try:
    from gavo import adql
    from gavo.adql import fieldinfo, morphpg, nodes
except Exception as e:  # noqa: BLE001 - report why the baseline is missing
    print(json.dumps({"error": f"DaCHS (python3-gavo) not importable: {e}"}))
    sys.exit(0)

COLUMNS = {
    "stars": [("id", "bigint", None, "meta.id"), ("ra", "double precision", "deg", "pos.eq.ra"),
              ("dec", "double precision", "deg", "pos.eq.dec"), ("gmag", "real", "mag", "phot.mag"),
              ("rmag", "double precision", "mag", "phot.mag"), ("name", "text", None, "meta.id"),
              ("flags", "integer", None, "meta.code")],
    "galaxies": [("id", "bigint", None, "meta.id"), ("ra", "double precision", "deg", "pos.eq.ra"),
                 ("dec", "double precision", "deg", "pos.eq.dec"), ("redshift", "double precision", None, "src.redshift"),
                 ("star_id", "bigint", None, "meta.id")],
}


def field_infos(table_name):
    key = "galaxies" if "galaxies" in str(table_name).lower() else "stars"
    return [(name, fieldinfo.FieldInfo(sql_type, unit, ucd)) for name, sql_type, unit, ucd in COLUMNS[key]]


def translate(query):
    _, tree = adql.parseAnnotating(query, field_infos)
    _, morphed = morphpg.morphPG(tree)
    return nodes.flatten(morphed)


def main():
    queries = json.load(open(sys.argv[1]))
    repeats = int(sys.argv[2])
    per_query = []
    for q in queries:
        translate(q)  # warm-up, and fail early on a query DaCHS does not take
        samples = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            translate(q)
            samples.append((time.perf_counter() - t0) * 1e6)
        per_query.append(statistics.median(samples))
    print(json.dumps({"median_us": statistics.median(per_query), "per_query_us": per_query}))


main()
