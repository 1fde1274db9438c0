using System.Text.Json.Serialization;

namespace BindingBehaviour.Results;

/// <summary>
/// The environment a run observed in: enough to tell two runs apart and to explain a difference. <see cref="How"/>,
/// <see cref="Commit"/>, <see cref="Qualifier"/> and <see cref="IPv6"/> came with schema version 2; a version 1 file has none.
/// </summary>
public sealed record RunInfo(
    string Os,
    string OsDescription,
    string OsVersion,
    string Kernel,
    string Runtime,
    string Date,
    string User,
    IReadOnlyDictionary<string, string> Settings,
    string? How = null,
    string? Commit = null,
    string? Qualifier = null,
    [property: JsonPropertyName("ipv6")] bool? IPv6 = null);
