using BindingBehaviour.Evidence;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>The catalog's claims, every run (any number per OS) and the attestations, merged.</summary>
internal sealed class MergedResults
{
    private readonly Dictionary<(string Claim, string Layer, string Os), List<Attestation>> _attestations;

    public MergedResults(IReadOnlyList<ClaimDefinition> claims, IEnumerable<LoadedRun> runs, IReadOnlyList<Attestation> attestations)
    {
        Claims = [.. claims
            .OrderBy(c => Topic.Find(c.Topic)!.Order)
            .ThenBy(c => c.Id, StringComparer.Ordinal)];
        Topics = [.. Topic.All.Where(t => Claims.Any(c => c.Topic == t.Id)).OrderBy(t => t.Order)];
        Runs = [.. runs.OrderBy(r => r.Os).ThenBy(r => r.Name, StringComparer.Ordinal)];
        Attestations = [.. attestations.OrderBy(a => a.Id, StringComparer.Ordinal)];
        _attestations = Attestations
            .Where(a => a.Claim is not null)
            .GroupBy(a => (a.Claim!, a.Layer!, a.Os))
            .ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>The OSes in the order of their columns: Linux, Windows, macOS.</summary>
    public static IReadOnlyList<Os> AllOs { get; } = Enum.GetValues<Os>();

    /// <summary>Every claim, by topic order and then by id.</summary>
    public IReadOnlyList<ClaimDefinition> Claims { get; }

    /// <summary>The topics that hold at least one claim, in their order.</summary>
    public IReadOnlyList<Topic> Topics { get; }

    /// <summary>Every run, by OS and then by name.</summary>
    public IReadOnlyList<LoadedRun> Runs { get; }

    public IReadOnlyList<Attestation> Attestations { get; }

    public IReadOnlyList<LoadedRun> RunsOf(Os os) => [.. Runs.Where(r => r.Os == os)];

    public LoadedRun? Run(string name) => Runs.FirstOrDefault(r => r.Name == name);

    public ClaimDefinition? Find(string id) => Claims.FirstOrDefault(c => c.Id == id);

    public IReadOnlyList<ClaimDefinition> ClaimsOf(Topic topic) => [.. Claims.Where(c => c.Topic == topic.Id)];

    public static Topic TopicOf(ClaimDefinition claim) => Topic.Find(claim.Topic)!;

    /// <summary>A claim's layers, native first.</summary>
    public static IReadOnlyList<ClaimVariant> Layers(ClaimDefinition claim) =>
        [.. claim.Variants.OrderBy(v => Enum.Parse<Layer>(v.Layer))];

    /// <summary>The attestations of a claim on one layer for an OS name (Linux, Windows, MacOS or FreeBSD).</summary>
    public IReadOnlyList<Attestation> AttestationsOf(ClaimDefinition claim, ClaimVariant variant, string os) =>
        _attestations.GetValueOrDefault((claim.Id, variant.Layer, os)) ?? [];

    /// <summary>The attestations of a claim on one layer for OSes that have no column (FreeBSD).</summary>
    public IReadOnlyList<Attestation> OtherAttestations(ClaimDefinition claim, ClaimVariant variant) =>
        [.. Attestations.Where(a => a.Claim == claim.Id && a.Layer == variant.Layer && !HostOs.TryParse(a.Os, out _))];

    public Cell CellOf(ClaimDefinition claim, ClaimVariant variant, Os os)
    {
        var expected = variant.Expectations[os.ToString()];
        var observations = RunsOf(os)
            .Select(run => (Run: run, Observation: run.File.Observations.FirstOrDefault(o => o.Claim == claim.Id && o.Layer == variant.Layer)))
            .Where(x => x.Observation is not null)
            .Select(x => new RunObservation(x.Run, x.Observation!, x.Observation!.BodyHash != variant.BodyHash, VerdictOf(expected, x.Observation!)))
            .ToList();
        var attestations = AttestationsOf(claim, variant, os.ToString());
        var snapshot = variant.Snapshots?.GetValueOrDefault(os.ToString()) is { Documented: true } documented ? documented : null;
        var current = observations.Where(o => !o.Stale).Select(o => o.Verdict).ToList();
        var notApplicable = expected.Outcome == Expectation.NotApplicable;
        var verdict =
            current.Contains(Verdict.Differs) ? Verdict.Differs
            : current.Contains(Verdict.Holds) ? Verdict.Holds
            : attestations.Count > 0 && !notApplicable ? Verdict.Attested
            : current.Contains(Verdict.Skipped) ? Verdict.Skipped
            : current.Contains(Verdict.NotApplicable) || notApplicable ? Verdict.NotApplicable
            : Verdict.ExpectedOnly;
        return new Cell(os, expected, observations, attestations, snapshot, verdict);
    }

    /// <summary>One observation against the current expectation (recomputed: an expectation may change without making it stale).</summary>
    public static Verdict VerdictOf(Expectation expected, Observation observation)
    {
        var notApplicable = expected.Outcome == Expectation.NotApplicable;
        return observation switch
        {
            { Status: Observation.Skipped } => notApplicable ? Verdict.NotApplicable : Verdict.Skipped,
            { Outcome: var outcome } when notApplicable => outcome == Expectation.NotApplicable ? Verdict.NotApplicable : Verdict.Differs,
            { Outcome: var outcome } => expected.Accepts(outcome!) ? Verdict.Holds : Verdict.Differs,
        };
    }

    /// <summary>Every cell of a topic on one OS (all its claims, all their layers).</summary>
    public IEnumerable<Cell> CellsOf(Topic topic, Os os) =>
        ClaimsOf(topic).SelectMany(c => Layers(c).Select(v => CellOf(c, v, os)));

    /// <summary>A run's observations of claims the catalog no longer defines (made at an older commit): counted, never shown as cells.</summary>
    public int Undefined(LoadedRun run) =>
        run.File.Observations.Count(o => Find(o.Claim) is not { } c || c.Variants.All(v => v.Layer != o.Layer));

    /// <summary>A run's observations whose claim body has changed since.</summary>
    public int Stale(LoadedRun run) =>
        run.File.Observations.Count(o => Find(o.Claim)?.Variants.FirstOrDefault(v => v.Layer == o.Layer) is { } v && v.BodyHash != o.BodyHash);
}
