using System.Text;

namespace BindingBehaviour.Results;

/// <summary>One claim class as its attributes say: [Claim(id, topic, sentence)] and its [ClaimFact] methods.</summary>
public sealed record ClaimSource(string Id, string Topic, string Sentence, string ClassName, IReadOnlyList<ClaimMethodSource> Methods);

/// <summary>
/// One [ClaimFact(layer)] method: its name, the source file and line the attribute's caller information recorded, and its
/// [Expect(os, outcome, source)] attributes.
/// </summary>
public sealed record ClaimMethodSource(string Name, Layer Layer, string File, int Line, IReadOnlyList<(Os Os, string Outcome, string Source)> Expectations);

/// <summary>
/// Builds the claim catalog from the claims' attributes, however they were read: by the test assembly from itself
/// (runtime reflection, ClaimCatalog in the tests) or by the docs tool from the built test assembly (metadata only). Both
/// go through this one builder, so they cannot disagree on what a claim is.
/// </summary>
public static class CatalogBuilder
{
    /// <summary>The catalog in canonical form (<see cref="ResultsJson.Canonical(CatalogFile)"/>).</summary>
    public static CatalogFile Build(IEnumerable<ClaimSource> sources, string repositoryRoot, string snapshotsDirectory) =>
        ResultsJson.Canonical(new CatalogFile(CatalogFile.SchemaId, CatalogFile.CurrentVersion,
        [
            .. sources
                .Select(s => new ClaimDefinition(
                    s.Id,
                    s.Topic,
                    s.Sentence,
                    [.. s.Methods.OrderBy(m => m.Layer).Select(m => Variant(s, m, repositoryRoot, snapshotsDirectory))]))
                .OrderBy(c => c.Id, StringComparer.Ordinal),
        ]));

    private static ClaimVariant Variant(ClaimSource claim, ClaimMethodSource method, string repositoryRoot, string snapshotsDirectory)
    {
        var code = SourceCode.MethodBody(method.File, method.Line);
        var snapshots = new SortedDictionary<string, RefusalSnapshot>(StringComparer.Ordinal);
        foreach (var os in Enum.GetValues<Os>())
        {
            var path = Path.Combine(snapshotsDirectory, $"{claim.ClassName}.{method.Name}.{os.SnapshotToken()}.verified.txt");
            if (File.Exists(path))
            {
                snapshots[os.ToString()] = ReadSnapshot(File.ReadAllText(path, Encoding.UTF8));
            }
        }

        return new ClaimVariant(
            method.Layer.ToString(),
            method.Expectations
                .OrderBy(e => e.Os)
                .ToDictionary(e => e.Os.ToString(), e => new Expectation(e.Outcome, e.Source)),
            code,
            Path.GetRelativePath(repositoryRoot, method.File).Replace('\\', '/'),
            method.Line,
            BodyHash.Of(code),
            snapshots);
    }

    /// <summary>A snapshot file's text (LF, no trailing newline); a first line "# documented, not observed[: source]" marks it documented.</summary>
    public static RefusalSnapshot ReadSnapshot(string content)
    {
        var text = content.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF').TrimEnd('\n');
        if (!text.StartsWith(RefusalSnapshot.DocumentedMarker, StringComparison.Ordinal))
        {
            return new RefusalSnapshot(text, Documented: false);
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var marker = newline < 0 ? text : text[..newline];
        var rest = newline < 0 ? "" : text[(newline + 1)..];
        var source = marker[RefusalSnapshot.DocumentedMarker.Length..].TrimStart(':').Trim();
        return new RefusalSnapshot(rest, Documented: true, source.Length > 0 ? source : null);
    }
}
