using System.Text.Json;
using System.Text.Json.Serialization;

namespace Astrolabe.Hub;

/// <summary>The JSON the hub's API writes, generated at compile time so that a trimmed or native (AOT) build keeps it.
/// The API's models are dictionaries (JupyterHub's shapes, see ApiModels); each type a value in them can have at run
/// time is listed here, and serialising any other type fails loudly rather than falling back to reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(List<Dictionary<string, object?>>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class HubJsonContext : JsonSerializerContext;
