namespace BindingBehaviour.Results;

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
