using System.CommandLine;
using Astrolabe.Tap;
using Astrolabe.Tap.Ingest;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Astrolabe.Commands;

/// <summary>`astrolabe catalog ingest|demo|list|drop`: load and publish catalogues in the TAP service's database
/// (the same settings as `serve`; a running service sees new tables within seconds).</summary>
public static class CatalogCommands
{
    public static Command Create()
    {
        var command = new Command("catalog", "Ingest and publish catalogues.");

        var file = new Argument<string>("file") { Description = "A CSV file (header line), a VOTable (.vot, .xml) or a FITS binary table (.fits)." };
        var table = new Option<string>("--table") { Description = "The published name, schema.table (e.g. survey.stars).", Required = true };
        var meta = new Option<string?>("--meta") { Description = "A YAML file with units, UCDs, descriptions and the position columns (see docs/tap.md)." };
        var ingest = new Command("ingest", "Load a table, index its positions (HEALPix) and publish it in TAP_SCHEMA.")
        {
            file, table, meta, ServeCommand.Config, ServeCommand.DataRoot,
        };
        ingest.SetAction((p, ct) => Run(p, ct, async (connection, ct) =>
        {
            var result = await WithProgress($"Ingesting {Path.GetFileName(p.GetValue(file)!)}", progress =>
                CatalogIngest.IngestFileAsync(connection, p.GetValue(file)!, p.GetValue(table)!, p.GetValue(meta), progress, ct));
            Report(result);
        }));

        var rows = new Option<long>("--rows") { Description = "How many objects to generate.", DefaultValueFactory = _ => 1_000_000 };
        var demo = new Command("demo", "Generate the demo catalogue and publish it as demo.objects.") { rows, ServeCommand.Config, ServeCommand.DataRoot };
        demo.SetAction((p, ct) => Run(p, ct, async (connection, ct) =>
        {
            var result = await WithProgress("Generating demo.objects", progress =>
                CatalogIngest.IngestDemoAsync(connection, p.GetValue(rows), progress, ct));
            Report(result);
        }));

        var list = new Command("list", "List the published tables.") { ServeCommand.Config, ServeCommand.DataRoot };
        list.SetAction((p, ct) => Run(p, ct, async (connection, ct) =>
        {
            foreach (var (name, description, columns) in await CatalogIngest.ListAsync(connection, ct))
            {
                Console.WriteLine($"{name,-32}{columns,4} columns  {description}");
            }
        }));

        var dropName = new Argument<string>("table") { Description = "The published name, schema.table." };
        var drop = new Command("drop", "Unpublish a table and delete it.") { dropName, ServeCommand.Config, ServeCommand.DataRoot };
        drop.SetAction((p, ct) => Run(p, ct, async (connection, ct) =>
        {
            var name = p.GetValue(dropName)!;
            if (!await CatalogIngest.DropAsync(connection, name, ct))
            {
                throw new IngestException($"no published table '{name}'.");
            }
            Console.WriteLine($"Dropped {name}.");
        }));

        command.Subcommands.Add(ingest);
        command.Subcommands.Add(demo);
        command.Subcommands.Add(list);
        command.Subcommands.Add(drop);
        return command;
    }

    private static void Report(IngestResult result)
    {
        Console.WriteLine($"Published {result.Table}: {result.Rows:N0} rows, {result.Columns.Count} columns" +
                          (result.HealpixColumn is null ? " (no position columns found: no HEALPix index)." : $", HEALPix index in {result.HealpixColumn}."));
    }

    private static async Task<IngestResult> WithProgress(string title, Func<IProgress<IngestProgress>, Task<IngestResult>> work)
    {
        if (Console.IsOutputRedirected)
        {
            return await work(new Progress<IngestProgress>());
        }
        IngestResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: 100);
                var progress = new Progress<IngestProgress>(p =>
                {
                    task.Value = Math.Min(100, p.Fraction * 100);
                    task.Description = $"{title}: {p.Stage}, {p.Rows:N0} rows";
                });
                result = await work(progress);
                task.Value = 100;
            });
        return result!;
    }

    private static async Task<int> Run(ParseResult parse, CancellationToken ct, Func<string, CancellationToken, Task> action)
    {
        try
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(ServeCommand.DataRoot) is { } d) overrides["DataRoot"] = d;
            var configuration = PlatformHost.ReadConfiguration([], parse.GetValue(ServeCommand.Config), overrides);
            await action(TapOptions.CatalogConnectionString(configuration), ct);
            return 0;
        }
        catch (IngestException e)
        {
            Console.Error.WriteLine($"astrolabe: {e.Message}");
            return 1;
        }
        catch (System.Data.Common.DbException e)
        {
            Console.Error.WriteLine($"astrolabe: the catalogue database failed: {e.Message}");
            return 1;
        }
        catch (Exception e) when (SettingsErrors.Of(e) is { } problems) { return SettingsErrors.Report(problems); }
    }
}
