using System.CommandLine;
using Astrolabe.Commands;

var root = new RootCommand("Astrolabe: a science platform for astronomy.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(UserCommands.Create());
root.Subcommands.Add(GroupCommands.Create());
root.Subcommands.Add(AdqlCommands.Create());
root.Subcommands.Add(CatalogCommands.Create());
root.Subcommands.Add(RoiCommand.Create());
root.Subcommands.Add(DemoCommands.Create());
return await root.Parse(args).InvokeAsync();
