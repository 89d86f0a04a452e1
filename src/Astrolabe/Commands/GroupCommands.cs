using System.CommandLine;

namespace Astrolabe.Commands;

/// <summary>`astrolabe group list|add|remove|members|add-user|remove-user`: groups of users, which server profiles
/// are opened to (`Hub:Profiles:N:Groups`). Straight on the hub's database, like `astrolabe user`.</summary>
public static class GroupCommands
{
    public static Command Create()
    {
        var command = new Command("group", "Manage groups of users (server profiles name the groups that may use them).");
        var group = new Argument<string>("group") { Description = "The group name (letters, digits, '.', '_' and '-')." };
        var users = new Argument<string[]>("users") { Description = "User names.", Arity = ArgumentArity.OneOrMore };

        var list = new Command("list", "List groups and their members.") { ServeCommand.Config, ServeCommand.DataRoot };
        list.SetAction((p, ct) => UserCommands.Run(p, async (accounts, ct) =>
        {
            Console.WriteLine($"{"GROUP",-34}{"MEMBERS",-9}USERS");
            for (var offset = 0; ; )
            {
                var (groups, total) = await accounts.Store.ListGroupsAsync(offset, 200, ct);
                foreach (var g in groups) Console.WriteLine($"{g.Name,-34}{g.Users.Count,-9}{string.Join(" ", g.Users)}");
                offset += groups.Count;
                if (groups.Count == 0 || offset >= total) break;
            }
            return 0;
        }, ct));

        var add = new Command("add", "Create a group.") { group, ServeCommand.Config, ServeCommand.DataRoot };
        add.SetAction((p, ct) => UserCommands.Run(p, async (accounts, ct) =>
        {
            var g = p.GetValue(group)!;
            if (!await accounts.Store.AddGroupAsync(g, ct)) { Console.Error.WriteLine($"astrolabe: group '{g}' already exists."); return 1; }
            Console.WriteLine($"Created group '{g}'.");
            return 0;
        }, ct));

        var remove = new Command("remove", "Delete a group (its members stay; they lose the profiles it opened).") { group, ServeCommand.Config, ServeCommand.DataRoot };
        remove.SetAction((p, ct) => UserCommands.Run(p, async (accounts, ct) =>
        {
            var g = p.GetValue(group)!;
            if (!await accounts.Store.RemoveGroupAsync(g, ct)) { Console.Error.WriteLine($"astrolabe: no group '{g}'."); return 1; }
            Console.WriteLine($"Deleted group '{g}'.");
            return 0;
        }, ct));

        var members = new Command("members", "List a group's members.") { group, ServeCommand.Config, ServeCommand.DataRoot };
        members.SetAction((p, ct) => UserCommands.Run(p, async (accounts, ct) =>
        {
            var g = p.GetValue(group)!;
            if (await accounts.Store.FindGroupAsync(g, ct) is not { } found) { Console.Error.WriteLine($"astrolabe: no group '{g}'."); return 1; }
            foreach (var u in found.Users) Console.WriteLine(u);
            return 0;
        }, ct));

        command.Subcommands.Add(list);
        command.Subcommands.Add(add);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(members);
        command.Subcommands.Add(Membership("add-user", "Add users to a group (all must exist, or nobody is added).", true, group, users));
        command.Subcommands.Add(Membership("remove-user", "Remove users from a group.", false, group, users));
        return command;
    }

    private static Command Membership(string name, string description, bool add, Argument<string> group, Argument<string[]> users)
    {
        var command = new Command(name, description) { group, users, ServeCommand.Config, ServeCommand.DataRoot };
        command.SetAction((p, ct) => UserCommands.Run(p, async (accounts, ct) =>
        {
            var g = p.GetValue(group)!;
            var names = p.GetValue(users)!;
            var change = add ? await accounts.Store.AddGroupMembersAsync(g, names, ct) : await accounts.Store.RemoveGroupMembersAsync(g, names, ct);
            if (!change.GroupFound) { Console.Error.WriteLine($"astrolabe: no group '{g}'."); return 1; }
            if (change.UnknownUsers.Count > 0)
            {
                Console.Error.WriteLine($"astrolabe: no such user(s): {string.Join(", ", change.UnknownUsers)}" + (add ? $"; nobody was added to '{g}'." : "."));
                if (add) return 1;
            }
            accounts.ForgetIdentities();
            Console.WriteLine($"{(add ? "Added to" : "Removed from")} '{g}': {string.Join(", ", names.Except(change.UnknownUsers))}.");
            return 0;
        }, ct));
        return command;
    }
}
