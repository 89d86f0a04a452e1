using System.Text.Json;
using Astrolabe.Hub.JupyterApi;
using Astrolabe.Hub.State;

namespace Astrolabe.Hub.Tests;

/// <summary>The API's models are dictionaries whose values are serialised by their run-time type through the
/// source-generated HubJsonContext (what a native build keeps). Every model, with every optional part filled in,
/// must serialise through it: a value of a type the context does not list would fail only in production.</summary>
public sealed class ApiJsonTests
{
    private static readonly DateTimeOffset When = new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);

    private static JsonElement Serialise(Dictionary<string, object?> model) =>
        JsonDocument.Parse(JsonSerializer.Serialize(model, HubJsonContext.Default.DictionaryStringObject)).RootElement;

    [Fact]
    public void User_model_with_running_server_and_groups_serialises_through_the_generated_context()
    {
        var user = new UserRecord(7, "vega", Admin: true, "hash", Disabled: false, When, When);
        ServerRecord[] servers = [new("vega", "", ServerState.Running, "http://127.0.0.1:9000/user/vega/", "{}", When, When, "large"),
                                  new("vega", "gpu", ServerState.Starting, null, null, When, null)];
        var json = Serialise(ApiModels.User(user, servers, new List<string> { "staff" }));

        Assert.Equal("vega", json.GetProperty("name").GetString());
        Assert.Equal("staff", json.GetProperty("groups")[0].GetString());
        Assert.Equal("admin", json.GetProperty("roles")[0].GetString());
        var main = json.GetProperty("servers").GetProperty("");
        Assert.True(main.GetProperty("ready").GetBoolean());
        Assert.Equal("large", main.GetProperty("user_options").GetProperty("profile").GetString());
        Assert.Equal("spawn", json.GetProperty("servers").GetProperty("gpu").GetProperty("pending").GetString());
        Assert.Equal("2026-11-22T04:00:00.000000Z", json.GetProperty("last_activity").GetString());
    }

    [Fact]
    public void Token_and_group_models_serialise_through_the_generated_context()
    {
        var token = new TokenRecord(3, 7, "vega", false, "abcd", TokenKind.OAuth, "read:users!user=vega access:servers".Split(' '), "note",
            "", "jupyterhub-user-vega", "session", When, When.AddHours(1), null);
        var tokenJson = Serialise(ApiModels.Token(token));
        Assert.Equal("oauth", tokenJson.GetProperty("kind").GetString());
        Assert.Equal(2, tokenJson.GetProperty("scopes").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, tokenJson.GetProperty("last_activity").ValueKind);

        var group = Serialise(ApiModels.Group(new GroupRecord("staff", When, new List<string> { "vega", "rigel" })));
        Assert.Equal(2, group.GetProperty("users").GetArrayLength());
        Assert.Equal(0, group.GetProperty("roles").GetArrayLength());
    }

    [Fact]
    public void A_value_type_the_context_does_not_list_fails_instead_of_falling_back_to_reflection()
    {
        var model = new Dictionary<string, object?> { ["when"] = When };
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(model, HubJsonContext.Default.DictionaryStringObject));
    }
}
