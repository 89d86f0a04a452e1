using System.CommandLine;
using Astrolabe.Hub;
using Astrolabe.Hub.Identity;
using Astrolabe.Hub.State;
using Microsoft.Extensions.Options;

namespace Astrolabe.Commands;

/// <summary>`astrolabe user add|list|remove|passwd`: local accounts, straight on the hub's database (the same
/// settings as `serve`, so it works whether or not the platform is running).</summary>
public static class UserCommands
{
    public static Command Create()
    {
        var command = new Command("user", "Manage local accounts.");
        var name = new Argument<string>("name") { Description = "The user name (lower-case letters, digits, '_' and '-')." };
        var admin = new Option<bool>("--admin") { Description = "Make the user an administrator." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input instead of generating one." };

        var add = new Command("add", "Add a user; prints a generated password unless --password-stdin.") { name, admin, passwordStdin, ServeCommand.Config, ServeCommand.DataRoot };
        add.SetAction((p, ct) => Run(p, async (accounts, ct) =>
        {
            var password = p.GetValue(passwordStdin) ? ReadPassword() : Secrets.NewPassword();
            var user = await accounts.AddUserAsync(p.GetValue(name)!, p.GetValue(admin), password, ct);
            Console.WriteLine($"Added {(user.Admin ? "administrator" : "user")} '{user.Name}'.");
            if (!p.GetValue(passwordStdin)) Console.WriteLine($"Password (shown once): {password}");
            return 0;
        }, ct));

        var list = new Command("list", "List users.") { ServeCommand.Config, ServeCommand.DataRoot };
        list.SetAction((p, ct) => Run(p, async (accounts, ct) =>
        {
            var offset = 0;
            Console.WriteLine($"{"NAME",-26}{"ADMIN",-7}{"DISABLED",-10}{"CREATED",-22}LAST ACTIVITY");
            while (true)
            {
                var (users, total) = await accounts.Store.ListUsersAsync(null, offset, 500, ct);
                foreach (var u in users)
                    Console.WriteLine($"{u.Name,-26}{(u.Admin ? "yes" : ""),-7}{(u.Disabled ? "yes" : ""),-10}{u.Created.UtcDateTime,-22:yyyy-MM-dd HH:mm}{u.LastActivity?.UtcDateTime.ToString("yyyy-MM-dd HH:mm") ?? "-"}");
                offset += users.Count;
                if (users.Count == 0 || offset >= total) break;
            }
            return 0;
        }, ct));

        var remove = new Command("remove", "Remove a user and their tokens (their home directory is kept).") { name, ServeCommand.Config, ServeCommand.DataRoot };
        remove.SetAction((p, ct) => Run(p, async (accounts, ct) =>
        {
            var n = p.GetValue(name)!;
            // This command cannot stop processes (the hub does), and a removed user's record would no longer lead to
            // servers still running as their account: refuse while any is live.
            var live = (await accounts.Store.ListServersAsync([n], ct)).Where(s => s.State != ServerState.Stopped)
                .Select(s => s.Name.Length == 0 ? "their default server" : $"server '{s.Name}'").ToList();
            if (live.Count > 0)
            {
                Console.Error.WriteLine($"astrolabe: '{n}' still has {string.Join(" and ", live)} running or starting; stop them first " +
                                        $"(the admin page, or through the running hub: DELETE /hub/api/users/{n} stops them and removes the user).");
                return 1;
            }
            if (!await accounts.Store.RemoveUserAsync(n, ct)) { Console.Error.WriteLine($"astrolabe: no user '{n}'."); return 1; }
            Console.WriteLine($"Removed user '{n}'.");
            return 0;
        }, ct));

        var passwd = new Command("passwd", "Set a user's password (generated unless --password-stdin); ends their browser sessions.") { name, passwordStdin, ServeCommand.Config, ServeCommand.DataRoot };
        passwd.SetAction((p, ct) => Run(p, async (accounts, ct) =>
        {
            var n = p.GetValue(name)!;
            var password = p.GetValue(passwordStdin) ? ReadPassword() : Secrets.NewPassword();
            if (!await accounts.Store.SetPasswordAsync(n, accounts.HashPassword(password), ct)) { Console.Error.WriteLine($"astrolabe: no user '{n}'."); return 1; }
            Console.WriteLine($"Changed the password of '{n}'.");
            if (!p.GetValue(passwordStdin)) Console.WriteLine($"Password (shown once): {password}");
            return 0;
        }, ct));

        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(passwd);
        return command;
    }

    private static string ReadPassword() => (Console.In.ReadLine() ?? "").TrimEnd('\r', '\n');

    /// <summary>Opens the hub database with the same settings as `serve` and runs one command against it.</summary>
    internal static async Task<int> Run(ParseResult parse, Func<Accounts, CancellationToken, Task<int>> action, CancellationToken ct)
    {
        try
        {
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(ServeCommand.DataRoot) is { } d) overrides["DataRoot"] = d;
            var configuration = PlatformHost.ReadConfiguration([], parse.GetValue(ServeCommand.Config), overrides);
            var options = HubOptions.From(configuration);
            if (options.Validate() is { Count: > 0 } errors) throw new OptionsValidationException("Hub", typeof(HubOptions), errors);
            var database = new HubDatabase(options.DatabaseConnectionString);
            await database.MigrateAsync(ct);
            var store = new HubStore(database, TimeProvider.System);
            var identity = new HubIdentity(store, options, TimeProvider.System);
            var accounts = new Accounts(store, options, new LoginThrottle(options, TimeProvider.System), identity, TimeProvider.System);
            return await action(accounts, ct);
        }
        catch (ArgumentException e) { Console.Error.WriteLine($"astrolabe: {e.Message}"); return 1; }
        catch (Exception e) when (SettingsErrors.Of(e) is { } problems) { return SettingsErrors.Report(problems); }
    }
}
