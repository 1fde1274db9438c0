using System.Text.Json.Serialization;

namespace BindingBehaviour.Results;

// The results file: one per OS run, committed under results/ (see docs/results-schema.md).
// Schema version 1. Every list is written sorted, so the same run gives the same bytes.

public sealed record ResultsFile(
    string Schema,
    int SchemaVersion,
    RunInfo Run,
    IReadOnlyList<ClaimDefinition> Claims,
    IReadOnlyList<Observation> Observations)
{
    public const string SchemaId = "bindingbehaviour/results";
    public const int CurrentVersion = 1;
}

/// <summary>The environment a run observed in: enough to tell two runs apart and to explain a difference.</summary>
public sealed record RunInfo(
    string Os,
    string OsDescription,
    string OsVersion,
    string Kernel,
    string Runtime,
    string Date,
    string User,
    IReadOnlyDictionary<string, string> Settings);

/// <summary>A claim: one sentence about binding, shown on one or both layers.</summary>
public sealed record ClaimDefinition(
    string Id,
    string Topic,
    string Sentence,
    IReadOnlyList<ClaimVariant> Variants);

/// <summary>A claim on one layer: its expectation on every OS, each with a source, and the C# that demonstrates it.</summary>
public sealed record ClaimVariant(
    string Layer,
    IReadOnlyDictionary<string, Expectation> Expectations,
    string Code,
    string SourceFile,
    int SourceLine);

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

/// <summary>What one run saw for one claim on one layer: an observed value, or a skip with its reason.</summary>
public sealed record Observation(
    string Claim,
    string Layer,
    string Status,
    string? Outcome = null,
    int? NativeCode = null,
    string? Message = null,
    string? Detail = null,
    string? SkipReason = null)
{
    public const string Observed = "observed";
    public const string Skipped = "skipped";
}
