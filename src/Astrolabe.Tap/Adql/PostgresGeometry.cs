namespace Astrolabe.Tap.Adql;

/// <summary>The SQL that creates, in PostgreSQL, the functions translated ADQL calls; plain SQL and
/// PL/pgSQL, no extension needed. Run it once at start-up; it is idempotent (CREATE OR REPLACE).
/// Geometries are DALI text, as in SQLite; the algorithms are those of Astrolabe.Sky.</summary>
public static class PostgresGeometry
{
    /// <summary>The schema the functions live in.</summary>
    public const string Schema = "adql";

    public static string CreateFunctionsSql => """
        CREATE SCHEMA IF NOT EXISTS adql;

        CREATE OR REPLACE FUNCTION adql.point(ra double precision, decl double precision) RETURNS text
          LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ra::text || ' ' || decl::text $$;

        CREATE OR REPLACE FUNCTION adql.circle(ra double precision, decl double precision, r double precision) RETURNS text
          LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ra::text || ' ' || decl::text || ' ' || r::text $$;

        CREATE OR REPLACE FUNCTION adql.polygon(VARIADIC v double precision[]) RETURNS text
          LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE WHEN array_position(v, NULL) IS NOT NULL THEN NULL ELSE array_to_string(v, ' ') END $$;

        CREATE OR REPLACE FUNCTION adql.box(ra double precision, decl double precision, w double precision, h double precision)
          RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT adql.polygon(ra - d, decl - h / 2, ra + d, decl - h / 2, ra + d, decl + h / 2, ra - d, decl + h / 2)
            FROM (SELECT CASE WHEN cos(radians(decl)) > 1e-12 THEN w / 2 / cos(radians(decl)) ELSE 180 END AS d) AS x $$;

        CREATE OR REPLACE FUNCTION adql.nums(g text) RETURNS double precision[]
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT regexp_split_to_array(btrim(g), '\s+')::double precision[] $$;

        CREATE OR REPLACE FUNCTION adql.coord1(g text) RETURNS double precision
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT (adql.nums(g))[1] $$;

        CREATE OR REPLACE FUNCTION adql.coord2(g text) RETURNS double precision
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT (adql.nums(g))[2] $$;

        -- Haversine separation in degrees; the same formula as Astrolabe.Sky.SphericalGeometry.Distance.
        CREATE OR REPLACE FUNCTION adql.distance(ra1 double precision, dec1 double precision,
                                                 ra2 double precision, dec2 double precision) RETURNS double precision
          LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT degrees(2 * asin(sqrt(least(1.0::double precision, greatest(0.0::double precision,
                   sin(radians(dec2 - dec1) / 2) * sin(radians(dec2 - dec1) / 2)
                 + cos(radians(dec1)) * cos(radians(dec2)) * sin(radians(ra2 - ra1) / 2) * sin(radians(ra2 - ra1) / 2)))))) $$;

        CREATE OR REPLACE FUNCTION adql.vec(ra double precision, decl double precision) RETURNS double precision[]
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT ARRAY[cos(radians(decl)) * cos(radians(ra)), cos(radians(decl)) * sin(radians(ra)), sin(radians(decl))] $$;

        CREATE OR REPLACE FUNCTION adql.dot(a double precision[], b double precision[]) RETURNS double precision
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a[1] * b[1] + a[2] * b[2] + a[3] * b[3] $$;

        CREATE OR REPLACE FUNCTION adql.cross(a double precision[], b double precision[]) RETURNS double precision[]
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT ARRAY[a[2] * b[3] - a[3] * b[2], a[3] * b[1] - a[1] * b[3], a[1] * b[2] - a[2] * b[1]] $$;

        CREATE OR REPLACE FUNCTION adql.norm(a double precision[]) RETURNS double precision
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT sqrt(adql.dot(a, a)) $$;

        CREATE OR REPLACE FUNCTION adql.unit(a double precision[]) RETURNS double precision[]
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT CASE WHEN adql.norm(a) = 0 THEN a ELSE ARRAY[a[1] / adql.norm(a), a[2] / adql.norm(a), a[3] / adql.norm(a)] END $$;

        CREATE OR REPLACE FUNCTION adql.angle(a double precision[], b double precision[]) RETURNS double precision
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT atan2(adql.norm(adql.cross(a, b)), adql.dot(a, b)) $$;

        CREATE OR REPLACE FUNCTION adql.on_arc(x double precision[], a double precision[], b double precision[]) RETURNS boolean
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT abs(adql.angle(a, x) + adql.angle(x, b) - adql.angle(a, b)) < 1e-12 $$;

        -- Vertices of a polygon (flat ra/decl list) as unit vectors.
        CREATE OR REPLACE FUNCTION adql.vertices(v double precision[]) RETURNS double precision[][]
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE result double precision[][] := '{}'; i int;
          BEGIN
            FOR i IN 1 .. array_length(v, 1) / 2 LOOP
              result := result || ARRAY[adql.vec(v[2 * i - 1], v[2 * i])];
            END LOOP;
            RETURN result;
          END $$;

        CREATE OR REPLACE FUNCTION adql.row3(m double precision[][], i int) RETURNS double precision[]
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT ARRAY[m[i][1], m[i][2], m[i][3]] $$;

        -- Direction of the area centroid: half the sum over edges of arc length times unit normal.
        CREATE OR REPLACE FUNCTION adql.centroid_vec(m double precision[][]) RETURNS double precision[]
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE n int := array_length(m, 1); s double precision[] := ARRAY[0, 0, 0]; mean double precision[] := ARRAY[0, 0, 0];
                  a double precision[]; b double precision[]; c double precision[]; w double precision; i int;
          BEGIN
            FOR i IN 1 .. n LOOP
              a := adql.row3(m, i); b := adql.row3(m, i % n + 1);
              c := adql.cross(a, b);
              IF adql.norm(c) > 1e-15 THEN
                w := adql.angle(a, b); c := adql.unit(c);
                s := ARRAY[s[1] + w * c[1], s[2] + w * c[2], s[3] + w * c[3]];
              END IF;
              mean := ARRAY[mean[1] + a[1], mean[2] + a[2], mean[3] + a[3]];
            END LOOP;
            IF adql.norm(s) < 1e-15 THEN RETURN adql.unit(mean); END IF;
            s := adql.unit(s);
            IF adql.dot(s, mean) < 0 THEN s := ARRAY[-s[1], -s[2], -s[3]]; END IF;
            RETURN s;
          END $$;

        CREATE OR REPLACE FUNCTION adql.polygon_contains(m double precision[][], p double precision[]) RETURNS boolean
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE n int := array_length(m, 1); winding double precision := 0;
                  a double precision[]; b double precision[]; pa double precision[]; pb double precision[]; i int;
          BEGIN
            FOR i IN 1 .. n LOOP
              a := adql.row3(m, i); b := adql.row3(m, i % n + 1);
              IF adql.on_arc(p, a, b) THEN RETURN true; END IF;
              pa := ARRAY[a[1] - adql.dot(p, a) * p[1], a[2] - adql.dot(p, a) * p[2], a[3] - adql.dot(p, a) * p[3]];
              pb := ARRAY[b[1] - adql.dot(p, b) * p[1], b[2] - adql.dot(p, b) * p[2], b[3] - adql.dot(p, b) * p[3]];
              winding := winding + atan2(adql.dot(p, adql.cross(pa, pb)), adql.dot(pa, pb));
            END LOOP;
            IF abs(winding) < pi() THEN RETURN false; END IF;
            RETURN adql.dot(p, adql.centroid_vec(m)) > 0;
          END $$;

        CREATE OR REPLACE FUNCTION adql.arc_distance(p double precision[], a double precision[], b double precision[])
          RETURNS double precision LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE n double precision[] := adql.cross(a, b); foot double precision[];
          BEGIN
            IF adql.norm(n) > 1e-15 THEN
              n := adql.unit(n);
              foot := adql.unit(ARRAY[p[1] - adql.dot(p, n) * n[1], p[2] - adql.dot(p, n) * n[2], p[3] - adql.dot(p, n) * n[3]]);
              IF adql.norm(foot) > 0 AND abs(adql.angle(a, foot) + adql.angle(foot, b) - adql.angle(a, b)) < 1e-12 THEN
                RETURN abs(pi() / 2 - adql.angle(p, n));
              END IF;
            END IF;
            RETURN least(adql.angle(p, a), adql.angle(p, b));
          END $$;

        CREATE OR REPLACE FUNCTION adql.edges_cross(m double precision[][], k double precision[][]) RETURNS boolean
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE nm int := array_length(m, 1); nk int := array_length(k, 1); i int; j int;
                  a1 double precision[]; a2 double precision[]; b1 double precision[]; b2 double precision[]; l double precision[];
          BEGIN
            FOR i IN 1 .. nm LOOP
              a1 := adql.row3(m, i); a2 := adql.row3(m, i % nm + 1);
              FOR j IN 1 .. nk LOOP
                b1 := adql.row3(k, j); b2 := adql.row3(k, j % nk + 1);
                l := adql.cross(adql.cross(a1, a2), adql.cross(b1, b2));
                IF adql.norm(l) >= 1e-15 THEN
                  l := adql.unit(l);
                  IF (adql.on_arc(l, a1, a2) AND adql.on_arc(l, b1, b2)) THEN RETURN true; END IF;
                  l := ARRAY[-l[1], -l[2], -l[3]];
                  IF (adql.on_arc(l, a1, a2) AND adql.on_arc(l, b1, b2)) THEN RETURN true; END IF;
                END IF;
              END LOOP;
            END LOOP;
            RETURN false;
          END $$;

        CREATE OR REPLACE FUNCTION adql.valid(v double precision[]) RETURNS boolean
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT array_length(v, 1) IN (2, 3) OR (array_length(v, 1) >= 6 AND array_length(v, 1) % 2 = 0) $$;

        -- 1 when a lies within b (the rules of Astrolabe.Tap.Adql.GeometryValue.Contains).
        CREATE OR REPLACE FUNCTION adql.contains(ga text, gb text) RETURNS integer
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE x double precision[] := adql.nums(ga); y double precision[] := adql.nums(gb);
                  nx int; ny int; r boolean; m double precision[][]; c double precision[]; i int;
          BEGIN
            IF NOT adql.valid(x) OR NOT adql.valid(y) THEN RETURN NULL; END IF;
            nx := array_length(x, 1); ny := array_length(y, 1);
            IF nx = 2 AND ny = 2 THEN r := adql.distance(x[1], x[2], y[1], y[2]) <= 1e-9;
            ELSIF nx = 2 AND ny = 3 THEN r := adql.distance(x[1], x[2], y[1], y[2]) <= y[3];
            ELSIF nx = 2 THEN r := adql.polygon_contains(adql.vertices(y), adql.vec(x[1], x[2]));
            ELSIF nx = 3 AND ny = 3 THEN r := adql.distance(x[1], x[2], y[1], y[2]) + x[3] <= y[3];
            ELSIF ny = 2 THEN r := false;
            ELSIF nx = 3 THEN
              m := adql.vertices(y); c := adql.vec(x[1], x[2]);
              r := adql.polygon_contains(m, c);
              IF r THEN
                FOR i IN 1 .. array_length(m, 1) LOOP
                  IF degrees(adql.arc_distance(c, adql.row3(m, i), adql.row3(m, i % array_length(m, 1) + 1))) < x[3] THEN
                    r := false; EXIT;
                  END IF;
                END LOOP;
              END IF;
            ELSIF ny = 3 THEN
              r := true;
              FOR i IN 1 .. nx / 2 LOOP
                IF adql.distance(y[1], y[2], x[2 * i - 1], x[2 * i]) > y[3] THEN r := false; EXIT; END IF;
              END LOOP;
            ELSE
              m := adql.vertices(y); r := true;
              FOR i IN 1 .. nx / 2 LOOP
                IF NOT adql.polygon_contains(m, adql.vec(x[2 * i - 1], x[2 * i])) THEN r := false; EXIT; END IF;
              END LOOP;
              IF r AND adql.edges_cross(m, adql.vertices(x)) THEN r := false; END IF;
            END IF;
            RETURN CASE WHEN r THEN 1 ELSE 0 END;
          END $$;

        CREATE OR REPLACE FUNCTION adql.intersects(ga text, gb text) RETURNS integer
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE x double precision[] := adql.nums(ga); y double precision[] := adql.nums(gb);
                  nx int; ny int; r boolean; m double precision[][]; c double precision[]; circle double precision[]; i int;
          BEGIN
            IF NOT adql.valid(x) OR NOT adql.valid(y) THEN RETURN NULL; END IF;
            nx := array_length(x, 1); ny := array_length(y, 1);
            IF nx = 2 THEN RETURN adql.contains(ga, gb); END IF;
            IF ny = 2 THEN RETURN adql.contains(gb, ga); END IF;
            IF nx = 3 AND ny = 3 THEN r := adql.distance(x[1], x[2], y[1], y[2]) <= x[3] + y[3];
            ELSIF nx = 3 OR ny = 3 THEN
              IF nx = 3 THEN circle := x; m := adql.vertices(y); ELSE circle := y; m := adql.vertices(x); END IF;
              c := adql.vec(circle[1], circle[2]);
              r := adql.polygon_contains(m, c);
              IF NOT r THEN
                FOR i IN 1 .. array_length(m, 1) LOOP
                  IF degrees(adql.arc_distance(c, adql.row3(m, i), adql.row3(m, i % array_length(m, 1) + 1))) <= circle[3] THEN
                    r := true; EXIT;
                  END IF;
                END LOOP;
              END IF;
            ELSE
              r := adql.polygon_contains(adql.vertices(x), adql.vec(y[1], y[2]))
                OR adql.polygon_contains(adql.vertices(y), adql.vec(x[1], x[2]))
                OR adql.edges_cross(adql.vertices(x), adql.vertices(y));
            END IF;
            RETURN CASE WHEN r THEN 1 ELSE 0 END;
          END $$;

        CREATE OR REPLACE FUNCTION adql.area(g text) RETURNS double precision
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE x double precision[] := adql.nums(g); m double precision[][]; s double precision := 0;
                  a double precision[]; b double precision[]; c double precision[]; i int;
          BEGIN
            IF NOT adql.valid(x) THEN RETURN NULL; END IF;
            IF array_length(x, 1) = 2 THEN RETURN 0; END IF;
            IF array_length(x, 1) = 3 THEN RETURN 2 * pi() * (1 - cos(radians(x[3]))) * degrees(1) * degrees(1); END IF;
            m := adql.vertices(x);
            a := adql.row3(m, 1);
            FOR i IN 2 .. array_length(m, 1) - 1 LOOP
              b := adql.row3(m, i); c := adql.row3(m, i + 1);
              s := s + 2 * atan2(adql.dot(a, adql.cross(b, c)), 1 + adql.dot(a, b) + adql.dot(b, c) + adql.dot(c, a));
            END LOOP;
            s := abs(s);
            RETURN least(s, 4 * pi() - s) * degrees(1) * degrees(1);
          END $$;

        CREATE OR REPLACE FUNCTION adql.centroid(g text) RETURNS text
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE x double precision[] := adql.nums(g); c double precision[]; ra double precision;
          BEGIN
            IF NOT adql.valid(x) THEN RETURN NULL; END IF;
            IF array_length(x, 1) <= 3 THEN RETURN adql.point(x[1], x[2]); END IF;
            c := adql.centroid_vec(adql.vertices(x));
            ra := degrees(atan2(c[2], c[1]));
            IF ra < 0 THEN ra := ra + 360; END IF;
            RETURN adql.point(ra, degrees(atan2(c[3], sqrt(c[1] * c[1] + c[2] * c[2]))));
          END $$;

        CREATE OR REPLACE FUNCTION adql.check_geometry(g text, kind text) RETURNS text
          LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
          DECLARE x double precision[]; n int;
          BEGIN
            BEGIN
              x := adql.nums(g);
            EXCEPTION WHEN others THEN
              RAISE EXCEPTION '''%'' is not a %', g, kind;
            END;
            n := coalesce(array_length(x, 1), 0);
            IF (kind = 'point' AND n <> 2) OR (kind = 'circle' AND n <> 3) OR (kind = 'polygon' AND (n < 6 OR n % 2 <> 0)) THEN
              RAISE EXCEPTION '''%'' is not a %', g, kind;
            END IF;
            RETURN array_to_string(x, ' ');
          END $$;

        CREATE OR REPLACE FUNCTION adql.check_point(g text) RETURNS text
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT adql.check_geometry(g, 'point') $$;
        CREATE OR REPLACE FUNCTION adql.check_circle(g text) RETURNS text
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT adql.check_geometry(g, 'circle') $$;
        CREATE OR REPLACE FUNCTION adql.check_polygon(g text) RETURNS text
          LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT adql.check_geometry(g, 'polygon') $$;
        """;
}
