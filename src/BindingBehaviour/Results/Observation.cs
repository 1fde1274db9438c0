namespace BindingBehaviour.Results;

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
