using System.Text.RegularExpressions;
using BindingBehaviour.Results;

namespace BindingBehaviour.Evidence;

public static partial class Attestations
{
    /// <summary>Reads and validates an attestations file; any problem is one <see cref="ResultsFormatException"/> naming the file.</summary>
    public static AttestationsFile Read(string path) => ResultsJson.Read<AttestationsFile>(path, Validate);

    public static void Validate(AttestationsFile file, string name)
    {
        void Fail(string what) => throw new ResultsFormatException($"{name}: {what}");

        ResultsJson.RequireSchema(name, "an attestations file", (file.Schema, file.SchemaVersion), (AttestationsFile.SchemaId, AttestationsFile.CurrentVersion));

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
