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

/// <summary>The claim catalog: every claim as the tests define it, with the hash of each body. Generated, committed once.</summary>
public sealed record CatalogFile(string Schema, int SchemaVersion, IReadOnlyList<ClaimDefinition> Claims)
{
    public const string SchemaId = "bindingbehaviour/catalog";
    public const int CurrentVersion = 1;
    public const string FileName = "catalog.json";
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

/// <summary>A claim: one sentence about binding, shown on one or both layers.</summary>
public sealed record ClaimDefinition(
    string Id,
    string Topic,
    string Sentence,
    IReadOnlyList<ClaimVariant> Variants);

/// <summary>
/// A claim on one layer: its expectation on every OS, each with a source, the C# that demonstrates it and, in the catalog,
/// the hash of that C# (<see cref="Results.BodyHash"/>) and the refusal snapshot of each OS that has one.
/// </summary>
public sealed record ClaimVariant(
    string Layer,
    IReadOnlyDictionary<string, Expectation> Expectations,
    string Code,
    string SourceFile,
    int SourceLine,
    string? BodyHash = null,
    IReadOnlyDictionary<string, RefusalSnapshot>? Snapshots = null);

/// <summary>
/// A refusal's snapshot on one OS (tests/BindingBehaviour.Tests/Snapshots/{Class}.{Method}.{OS}.verified.txt): its text,
/// and whether it is documented (written from what the OS documents, first line <c># documented, not observed: source</c>)
/// rather than observed by a run of that OS.
/// </summary>
public sealed record RefusalSnapshot(string Text, bool Documented, string? Source = null)
{
    public const string DocumentedMarker = "# documented, not observed";
}

/// <summary>
/// An expected observation. <see cref="Outcome"/> is an outcome code ("ok", "bind:AddressAlreadyInUse"), a value the
/// claim measures, "n/a" when the claim does not apply to that OS, or alternatives joined by " | " where sources disagree
/// and the run settles it.
/// </summary>
public sealed record Expectation(string Outcome, string Source)
{
    public const string NotApplicable = "n/a";
    public const string AlternativeSeparator = " | ";

    [JsonIgnore]
    public IReadOnlyList<string> Accepted => Outcome.Split(AlternativeSeparator);

    [JsonIgnore]
    public bool IsUncertain => Accepted.Count > 1;

    public bool Accepts(string observed) => Accepted.Contains(observed, StringComparer.Ordinal);
}

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
