using System.Text.Json.Serialization;

namespace BindingBehaviour.Results;

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
