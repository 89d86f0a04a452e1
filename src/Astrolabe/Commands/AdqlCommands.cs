using System.CommandLine;
using Astrolabe.Tap.Adql;

namespace Astrolabe.Commands;

/// <summary>`astrolabe adql check|translate`: check ADQL 2.1 queries and show their SQL, without a database.</summary>
public static class AdqlCommands
{
    public static Command Create()
    {
        var command = new Command("adql", "Check and translate ADQL queries.");

        var query = new Argument<string?>("query") { Description = "An ADQL query (quote it for the shell).", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file") { Description = "A file of queries, one per line ('-' for standard input)." };
        var check = new Command("check", "Report whether each query is valid ADQL 2.1, or where and why it is not. Exit code 0 when all are valid.")
        {
            query, file,
        };
        check.SetAction(p =>
        {
            var text = p.GetValue(query);
            var path = p.GetValue(file);
            if ((text is null) == (path is null))
            {
                Console.Error.WriteLine("Give either a query or --file FILE.");
                return 2;
            }
            if (text is not null)
            {
                // One query, which may span lines: positions keep its own line numbers.
                bool valid = AdqlCheck.Check(text, out var error);
                Console.WriteLine(valid ? "1: valid" : $"1: invalid: {error!.Message}");
                return valid ? 0 : 1;
            }
            if (path != "-" && !File.Exists(path))
            {
                Console.Error.WriteLine($"No such file: {path}");
                return 2;
            }
            using TextReader reader = path == "-" ? Console.In : new StreamReader(path!);
            return AdqlCheck.Run(reader, Console.Out);
        });

        var translateQuery = new Argument<string>("query") { Description = "An ADQL query (quote it for the shell)." };
        var dialect = new Option<string>("--dialect") { Description = "sqlite or postgres.", DefaultValueFactory = _ => "sqlite" };
        var translate = new Command("translate", "Print the SQL a query becomes (tables and columns taken as written; the service checks them against TAP_SCHEMA).")
        {
            translateQuery, dialect,
        };
        translate.SetAction(p =>
        {
            var d = SqlDialect.FromName(p.GetValue(dialect)!);
            if (d is null)
            {
                Console.Error.WriteLine($"Unknown dialect '{p.GetValue(dialect)}': use sqlite or postgres.");
                return 2;
            }
            return AdqlCheck.Translate(p.GetValue(translateQuery)!, d, Console.Out);
        });

        command.Subcommands.Add(check);
        command.Subcommands.Add(translate);
        return command;
    }
}
