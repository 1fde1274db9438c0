using System.Text.Json.Serialization;

namespace BindingBehaviour.Results;

/// <summary>The claim catalog: every claim as the tests define it, with the hash of each body. Generated, committed once.</summary>
public sealed record CatalogFile(string Schema, int SchemaVersion, IReadOnlyList<ClaimDefinition> Claims)
{
    public const string SchemaId = "bindingbehaviour/catalog";
    public const int CurrentVersion = 1;
    public const string FileName = "catalog.json";
}

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
