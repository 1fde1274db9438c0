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
