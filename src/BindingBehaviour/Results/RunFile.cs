using System.Text.Json.Serialization;

namespace BindingBehaviour.Results;

// The results model: the claim catalog (results/catalog.json, once) and one file per run (results/runs/<name>.json).
// Schemas in results/README.md. Every list is written sorted, so the same input gives the same bytes.

/// <summary>
/// One run's results file, schema version 2: the run's name and environment, and its observations, each with the hash of
/// the claim body that ran. The claims themselves are in the catalog (<see cref="CatalogFile"/>).
/// </summary>
public sealed record RunFile(
    string Schema,
    int SchemaVersion,
    string Name,
    RunInfo Run,
    IReadOnlyList<Observation> Observations)
{
    public const string SchemaId = "bindingbehaviour/results";
    public const int CurrentVersion = 2;
    public const string Folder = "runs";
}

/// <summary>
/// A results file of schema version 1 (one per OS, before runs had their own files): the run, a copy of every claim
/// definition, and the observations. Still read, so that results from an older commit merge; never written.
/// </summary>
public sealed record LegacyResultsFile(
    string Schema,
    int SchemaVersion,
    RunInfo Run,
    IReadOnlyList<ClaimDefinition> Claims,
    IReadOnlyList<Observation> Observations)
{
    public const int Version = 1;
}

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

/// <summary>
/// What one run saw for one claim on one layer: an observed value, or a skip with its reason; and the hash of the claim
/// body that ran (absent in a version 1 file, where the reader computes it from the file's copy of the code).
/// </summary>
public sealed record Observation(
    string Claim,
    string Layer,
    string Status,
    string? Outcome = null,
    int? NativeCode = null,
    string? Message = null,
    string? Detail = null,
    string? SkipReason = null,
    string? BodyHash = null)
{
    public const string Observed = "observed";
    public const string Skipped = "skipped";
}
