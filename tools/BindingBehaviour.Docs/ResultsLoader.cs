using BindingBehaviour.Evidence;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>One run file as read: where it came from (relative to the results directory) and what it holds, in canonical form.</summary>
internal sealed record LoadedRun(string Path, string RelativePath, RunFile File)
{
    public string Name => File.Name;

    public Os Os => Enum.Parse<Os>(File.Run.Os);

    public RunInfo Info => File.Run;
}

/// <summary>
/// Reads a results directory strictly, everything before anything is written: <c>catalog.json</c> (the claims, required),
/// <c>attestations.json</c> (optional), and every run file: <c>runs/*.json</c>, and, for files from before runs had a
/// folder, any other <c>*.json</c> directly in the directory. A run file of schema version 1 or 2 merges, whatever commit
/// made it; a file of another schema or version, or a malformed one, is refused with one message naming it, and so are two
/// files of one run name.
/// </summary>
internal static class ResultsLoader
{
    public const string AttestationsFileName = "attestations.json";

    public static MergedResults Load(string directory, CatalogFile? catalog = null, (string Path, RunFile File)? newRun = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DocsException($"{directory}: the results directory does not exist.");
        }

        var catalogPath = Path.Join(directory, CatalogFile.FileName);
        if (catalog is null && !File.Exists(catalogPath))
        {
            throw new DocsException(
                $"{directory}: holds no {CatalogFile.FileName} (the claim catalog); generate it with: {DocsGenerator.CatalogCommand}");
        }

        catalog ??= ResultsJson.ReadCatalog(catalogPath);
        var attestationsPath = Path.Join(directory, AttestationsFileName);
        var attestations = File.Exists(attestationsPath) ? Attestations.Read(attestationsPath).Attestations : [];

        var runs = RunPaths(directory)
            .Where(p => newRun is null || !SamePath(p, newRun.Value.Path))
            .Select(p => new LoadedRun(p, Relative(directory, p), ResultsJson.ReadRun(p)))
            .ToList();
        if (newRun is { } added)
        {
            runs.Add(new LoadedRun(added.Path, Relative(directory, added.Path), added.File));
        }

        var byName = new Dictionary<string, LoadedRun>(StringComparer.Ordinal);
        foreach (var run in runs.OrderBy(r => r.RelativePath, StringComparer.Ordinal))
        {
            if (!byName.TryAdd(run.Name, run))
            {
                throw new DocsException(
                    $"{run.Path}: holds run \"{run.Name}\", and so does {byName[run.Name].Path}; keep one file per run (set {RunName.QualifierVariable} to tell two runs of one kernel apart).");
            }
        }

        return new MergedResults(catalog.Claims, byName.Values, attestations);
    }

    /// <summary>The run files of a results directory, in name order.</summary>
    public static IEnumerable<string> RunPaths(string directory)
    {
        var top = Directory.GetFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
            .Where(p => Path.GetFileName(p) is not (CatalogFile.FileName or AttestationsFileName));
        var folder = Path.Join(directory, RunFile.Folder);
        var runs = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json", SearchOption.TopDirectoryOnly) : [];
        return top.Concat(runs)
            .Where(p => string.Equals(Path.GetExtension(p), ".json", StringComparison.Ordinal))
            .OrderBy(p => Relative(directory, p), StringComparer.Ordinal);
    }

    private static string Relative(string directory, string path) => Path.GetRelativePath(directory, path).Replace('\\', '/');

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
