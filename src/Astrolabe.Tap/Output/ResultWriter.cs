using System.Data.Common;
using Astrolabe.Tap.Adql;

namespace Astrolabe.Tap.Output;

/// <summary>What a streamed result contained.</summary>
internal readonly record struct ResultSummary(long Rows, bool Overflow, string? Failure);

/// <summary>Context written into a result's metadata (VOTable INFOs).</summary>
internal sealed record ResultContext(string? Query, string? JobId = null);

/// <summary>Writes a query result in one output format, streaming rows from a <see cref="DbDataReader"/>.</summary>
internal abstract class ResultWriter
{
    public abstract ResultFormat Format { get; }

    /// <summary>Writes the whole result. <paramref name="reader"/> is null for a metadata-only result
    /// (MAXREC=0); otherwise it is positioned on its first row when <paramref name="hasRow"/> is true.
    /// A failure after the header was sent is reported inside the result when the format can (VOTable), using
    /// <paramref name="describeFailure"/>; it returns null for failures that must propagate (client gone).</summary>
    public async Task<ResultSummary> WriteAsync(
        Stream output,
        IReadOnlyList<ResultColumn> columns,
        DbDataReader? reader,
        bool hasRow,
        long maxRec,
        ResultContext context,
        Func<Exception, string?> describeFailure,
        CancellationToken ct)
    {
        var fields = ResultField.For(columns);
        using var sink = new Utf8Sink(output);
        WriteStart(sink, fields, context);
        long rows = 0;
        bool overflow = reader is null && maxRec == 0;
        string? failure = null;
        if (reader is not null)
        {
            try
            {
                while (hasRow)
                {
                    if (rows >= maxRec)
                    {
                        overflow = true;
                        break;
                    }
                    WriteRow(sink, fields, reader);
                    rows++;
                    await sink.FlushIfFullAsync(ct);
                    hasRow = await reader.ReadAsync(ct);
                }
            }
            catch (Exception ex)
            {
                failure = describeFailure(ex);
                if (failure is null)
                {
                    throw;
                }
            }
        }
        WriteEnd(sink, overflow, failure);
        await sink.FlushAsync(ct);
        return new ResultSummary(rows, overflow, failure);
    }

    protected abstract void WriteStart(Utf8Sink sink, ResultField[] fields, ResultContext context);

    protected abstract void WriteRow(Utf8Sink sink, ResultField[] fields, DbDataReader reader);

    protected abstract void WriteEnd(Utf8Sink sink, bool overflow, string? failure);

    public static ResultWriter For(ResultFormat format) => format.Kind switch
    {
        ResultFormatKind.VoTableBinary2 => new VoTableWriter(binary2: true),
        ResultFormatKind.Csv => new DelimitedWriter(format, ','),
        ResultFormatKind.Tsv => new DelimitedWriter(format, '\t'),
        ResultFormatKind.Json => new JsonResultWriter(),
        _ => new VoTableWriter(binary2: false),
    };
}
