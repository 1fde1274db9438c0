namespace BindingBehaviour.Evidence;

/// <summary>
/// results/attestations.json: evidence short of our own run. Each entry is a public test that runs on an OS in its
/// project's CI and asserts an outcome there, mapped to a claim (on one layer) and/or to matrix cells.
/// </summary>
public sealed record AttestationsFile(string Schema, int SchemaVersion, IReadOnlyList<Attestation> Attestations)
{
    public const string SchemaId = "bindingbehaviour/attestations";
    public const int CurrentVersion = 1;
    public const string DefaultPath = "results/attestations.json";
}

/// <summary>
/// One public test's assertion. <see cref="Os"/> is Linux, Windows, MacOS or FreeBSD (FreeBSD evidence is shown as FreeBSD,
/// never as macOS). <see cref="Asserts"/> is an outcome code as the claim or the matrix writes it. <see cref="Cells"/>
/// are matrix cells written as the TSV's nine key fields joined by single spaces:
/// <c>native tcp [::] - listening tcp 0.0.0.0 - bound</c>.
/// </summary>
public sealed record Attestation(
    string Id,
    string Os,
    string Repository,
    string Path,
    string Commit,
    string Where,
    string Lines,
    string RunsOn,
    string Kind,
    string Scenario,
    string Asserts,
    string? Claim = null,
    string? Layer = null,
    IReadOnlyList<string>? Cells = null,
    string? Notes = null)
{
    /// <summary>The kinds, strongest first: a CI-run assertion on the OS, a maintainer's statement, a user's report with a reproducer.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["ci-test", "maintainer", "report"];

    public static readonly IReadOnlyList<string> OsNames = ["Linux", "Windows", "MacOS", "FreeBSD"];

    /// <summary>A link to the lines on GitHub at the cited commit.</summary>
    public string Url
    {
        get
        {
            var range = Lines.Split('-');
            var anchor = range.Length == 2 ? $"#L{range[0]}-L{range[1]}" : $"#L{range[0]}";
            return $"https://github.com/{Repository}/blob/{Commit}/{Path}{anchor}";
        }
    }
}
