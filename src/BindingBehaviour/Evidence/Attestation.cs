using System.Text.RegularExpressions;
using BindingBehaviour.Results;

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

public static partial class Attestations
{
    /// <summary>Reads and validates an attestations file; any problem is one <see cref="ResultsFormatException"/> naming the file.</summary>
    public static AttestationsFile Read(string path)
    {
        var file = ResultsJson.Deserialize<AttestationsFile>(ResultsJson.ReadText(path), path);
        Validate(file, path);
        return file;
    }

    public static void Validate(AttestationsFile file, string name)
    {
        void Fail(string what) => throw new ResultsFormatException($"{name}: {what}");

        if (file.Schema != AttestationsFile.SchemaId || file.SchemaVersion != AttestationsFile.CurrentVersion)
        {
            Fail($"not an attestations file of schema \"{AttestationsFile.SchemaId}\" version {AttestationsFile.CurrentVersion}.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in file.Attestations)
        {
            if (!IdPattern().IsMatch(a.Id) || !ids.Add(a.Id))
            {
                Fail($"attestation id \"{a.Id}\" is not kebab-case or appears twice.");
            }

            if (!Attestation.OsNames.Contains(a.Os))
            {
                Fail($"attestation \"{a.Id}\" names unknown OS \"{a.Os}\"; expected one of {string.Join(", ", Attestation.OsNames)}.");
            }

            if (!CommitPattern().IsMatch(a.Commit))
            {
                Fail($"attestation \"{a.Id}\" cites \"{a.Commit}\", which is not a 40-digit commit.");
            }

            if (!LinesPattern().IsMatch(a.Lines))
            {
                Fail($"attestation \"{a.Id}\" has lines \"{a.Lines}\"; write N or N-M.");
            }

            if (!Attestation.Kinds.Contains(a.Kind))
            {
                Fail($"attestation \"{a.Id}\" has kind \"{a.Kind}\"; expected one of {string.Join(", ", Attestation.Kinds)}.");
            }

            if (a.Claim is null && (a.Cells is null || a.Cells.Count == 0))
            {
                Fail($"attestation \"{a.Id}\" maps to no claim and no matrix cell.");
            }

            if ((a.Claim is null) != (a.Layer is null))
            {
                Fail($"attestation \"{a.Id}\" names a claim without its layer, or a layer without its claim.");
            }

            if (a.Layer is not null && !Enum.GetNames<Layer>().Contains(a.Layer, StringComparer.Ordinal))
            {
                Fail($"attestation \"{a.Id}\" names layer \"{a.Layer}\"; a claim's layer is written {string.Join(" or ", Enum.GetNames<Layer>())}.");
            }

            if (string.IsNullOrWhiteSpace(a.Asserts) || string.IsNullOrWhiteSpace(a.Scenario) || string.IsNullOrWhiteSpace(a.Where))
            {
                Fail($"attestation \"{a.Id}\" lacks its scenario, its place in the file or the outcome it asserts.");
            }

            foreach (var cell in a.Cells ?? [])
            {
                if (cell.Split(' ').Length != 9)
                {
                    Fail($"attestation \"{a.Id}\": cell \"{cell}\" is not the nine key fields of a matrix row joined by spaces.");
                }
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();

    [GeneratedRegex("^[0-9]+(-[0-9]+)?$")]
    private static partial Regex LinesPattern();
}
