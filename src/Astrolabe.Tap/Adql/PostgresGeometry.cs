namespace Astrolabe.Tap.Adql;

/// <summary>The SQL that creates, in PostgreSQL, the functions translated ADQL calls; plain SQL and
/// PL/pgSQL, no extension needed. Run it once at start-up; it is idempotent (CREATE OR REPLACE).</summary>
public static class PostgresGeometry
{
    /// <summary>The schema the functions live in.</summary>
    public const string Schema = "adql";

    public static string CreateFunctionsSql => "CREATE SCHEMA IF NOT EXISTS adql;";
}
