using BindingBehaviour.Evidence;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>
/// One claim, on one layer, on one OS: the expectation, every run of that OS that observed it (current and stale), the
/// attestations, the documented snapshot if one exists, and the verdict over the current observations.
/// </summary>
internal sealed record Cell(
    Os Os,
    Expectation Expected,
    IReadOnlyList<RunObservation> Observations,
    IReadOnlyList<Attestation> Attestations,
    RefusalSnapshot? DocumentedSnapshot,
    Verdict Verdict)
{
    public IReadOnlyList<RunObservation> Current => [.. Observations.Where(o => !o.Stale)];

    public IReadOnlyList<RunObservation> StaleObservations => [.. Observations.Where(o => o.Stale)];

    /// <summary>Whether every current observation gives the same answer (true with none or one).</summary>
    public bool RunsAgree => Current.Select(o => o.Answer).Distinct(StringComparer.Ordinal).Count() <= 1;

    public bool IsObserved => Verdict is Verdict.Holds or Verdict.Differs or Verdict.Skipped;
}

/// <summary>
/// One run's observation of a claim on one layer: its verdict against the current expectation, and whether it is stale
/// (the body that ran is not the catalog's body: observed before the claim changed, shown but never counted).
/// </summary>
internal sealed record RunObservation(LoadedRun Run, Observation Observation, bool Stale, Verdict Verdict)
{
    /// <summary>What two runs must share to agree: the status and the outcome (or the skip).</summary>
    public string Answer => Observation.Status == Observation.Skipped ? "skipped" : Observation.Outcome ?? "";
}
