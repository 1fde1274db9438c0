using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>How a cell of the docs stands: observed (and then holds, differs or skipped), expected only, or not applicable.</summary>
internal enum Verdict
{
    Holds,
    Differs,
    Skipped,
    ExpectedOnly,
    NotApplicable,
}

/// <summary>One claim, on one layer, on one OS: the expectation, and the observation if a run of that OS made one.</summary>
internal sealed record Cell(Os Os, Expectation Expected, OsRun? Run, Observation? Observation, Verdict Verdict)
{
    public bool IsObserved => Observation is not null;
}

/// <summary>The run of one OS: its environment and its observations, by claim and layer.</summary>
internal sealed class OsRun(LoadedResults file)
{
    private readonly Dictionary<(string Claim, string Layer), Observation> _observations =
        file.Results.Observations.ToDictionary(o => (o.Claim, o.Layer));

    public Os Os { get; } = file.Os;

    public string FileName { get; } = file.FileName;

    public RunInfo Info { get; } = file.Results.Run;

    public Observation? Find(string claim, string layer) => _observations.GetValueOrDefault((claim, layer));
}

/// <summary>Every OS's results merged: the claims (the same in every file) and at most one run per OS.</summary>
internal sealed class MergedResults
{
    private readonly Dictionary<Os, OsRun> _runs;

    public MergedResults(IReadOnlyList<ClaimDefinition> claims, IEnumerable<LoadedResults> files)
    {
        _runs = files.ToDictionary(f => f.Os, f => new OsRun(f));
        Claims = [.. claims
            .OrderBy(c => Topic.Find(c.Topic)!.Order)
            .ThenBy(c => c.Id, StringComparer.Ordinal)];
        Topics = [.. Topic.All.Where(t => Claims.Any(c => c.Topic == t.Id)).OrderBy(t => t.Order)];
    }

    /// <summary>The OSes in the order of their columns: Linux, Windows, macOS.</summary>
    public static IReadOnlyList<Os> AllOs { get; } = Enum.GetValues<Os>();

    /// <summary>Every claim, by topic order and then by id.</summary>
    public IReadOnlyList<ClaimDefinition> Claims { get; }

    /// <summary>The topics that hold at least one claim, in their order.</summary>
    public IReadOnlyList<Topic> Topics { get; }

    public OsRun? RunOf(Os os) => _runs.GetValueOrDefault(os);

    public ClaimDefinition? Find(string id) => Claims.FirstOrDefault(c => c.Id == id);

    public IReadOnlyList<ClaimDefinition> ClaimsOf(Topic topic) => [.. Claims.Where(c => c.Topic == topic.Id)];

    public static Topic TopicOf(ClaimDefinition claim) => Topic.Find(claim.Topic)!;

    /// <summary>A claim's layers, native first.</summary>
    public static IReadOnlyList<ClaimVariant> Layers(ClaimDefinition claim) =>
        [.. claim.Variants.OrderBy(v => Enum.Parse<Layer>(v.Layer))];

    public Cell CellOf(ClaimDefinition claim, ClaimVariant variant, Os os)
    {
        var expected = variant.Expectations[os.ToString()];
        var notApplicable = expected.Outcome == Expectation.NotApplicable;
        var run = RunOf(os);
        var observation = run?.Find(claim.Id, variant.Layer);
        var verdict = observation switch
        {
            null => notApplicable ? Verdict.NotApplicable : Verdict.ExpectedOnly,
            { Status: Observation.Skipped } => notApplicable ? Verdict.NotApplicable : Verdict.Skipped,
            { Outcome: var outcome } when notApplicable => outcome == Expectation.NotApplicable ? Verdict.NotApplicable : Verdict.Differs,
            { Outcome: var outcome } => expected.Accepts(outcome!) ? Verdict.Holds : Verdict.Differs,
        };
        return new Cell(os, expected, run, observation, verdict);
    }

    /// <summary>Every cell of a topic on one OS (all its claims, all their layers).</summary>
    public IEnumerable<Cell> CellsOf(Topic topic, Os os) =>
        ClaimsOf(topic).SelectMany(c => Layers(c).Select(v => CellOf(c, v, os)));
}
