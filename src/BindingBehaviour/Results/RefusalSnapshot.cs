namespace BindingBehaviour.Results;

/// <summary>
/// A refusal's snapshot on one OS (tests/BindingBehaviour.Tests/Snapshots/{Class}.{Method}.{OS}.verified.txt): its text,
/// and whether it is documented (written from what the OS documents, first line <c># documented, not observed: source</c>)
/// rather than observed by a run of that OS.
/// </summary>
public sealed record RefusalSnapshot(string Text, bool Documented, string? Source = null)
{
    public const string DocumentedMarker = "# documented, not observed";
}
