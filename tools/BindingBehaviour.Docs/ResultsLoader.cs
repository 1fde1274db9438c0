using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>One results file as read: where it came from and what it holds (in canonical form).</summary>
internal sealed record LoadedResults(string Path, Os Os, ResultsFile Results)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// Reads every *.json directly inside a results directory (not its subfolders), validates each strictly, and merges them:
/// one file per OS, and the same claim definitions in every file. Every check runs before anything is written.
/// </summary>
internal static class ResultsLoader
{
    public static MergedResults Load(string directory) => Merge(ReadAll(directory));

    public static IReadOnlyList<LoadedResults> ReadAll(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DocsException($"{directory}: the results directory does not exist.");
        }

        var paths = Directory.GetFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
            .Where(p => string.Equals(System.IO.Path.GetExtension(p), ".json", StringComparison.Ordinal))
            .OrderBy(p => System.IO.Path.GetFileName(p), StringComparer.Ordinal)
            .ToList();
        if (paths.Count == 0)
        {
            throw new DocsException(
                $"{directory}: holds no results file (*.json); record one with: {DocsGenerator.RefreshCommand}");
        }

        return [.. paths.Select(Read)];
    }

    public static LoadedResults Read(string path)
    {
        var results = ResultsJson.Canonical(ResultsJson.Read(path));
        return new LoadedResults(path, Enum.Parse<Os>(results.Run.Os), results);
    }

    /// <summary>The files by OS; two files of one OS are an error naming both.</summary>
    public static IReadOnlyDictionary<Os, LoadedResults> ByOs(IReadOnlyList<LoadedResults> files)
    {
        var byOs = new Dictionary<Os, LoadedResults>();
        foreach (var file in files)
        {
            if (!byOs.TryAdd(file.Os, file))
            {
                throw new DocsException(
                    $"{file.Path}: holds a run on {file.Os}, and so does {byOs[file.Os].Path}; keep one results file per OS.");
            }
        }

        return byOs;
    }

    public static MergedResults Merge(IReadOnlyList<LoadedResults> files)
    {
        var byOs = ByOs(files);
        var reference = files[0];
        foreach (var file in files.Skip(1))
        {
            CheckSameDefinitions(reference, file);
        }

        return new MergedResults(reference.Results.Claims, byOs.Values);
    }

    /// <summary>The claim definitions of two files, compared in serialized form; the first difference is an error naming both files.</summary>
    private static void CheckSameDefinitions(LoadedResults reference, LoadedResults file)
    {
        var hint = "claim definitions must be the same in every results file; re-record the older one";
        foreach (var difference in DefinitionDifferences(reference.Results.Claims, file.Results.Claims))
        {
            throw new DocsException(difference.Kind switch
            {
                DefinitionChange.Added =>
                    $"{file.Path}: defines claim \"{difference.Id}\", which {reference.Path} does not; {hint}.",
                DefinitionChange.Removed =>
                    $"{file.Path}: lacks claim \"{difference.Id}\", which {reference.Path} defines; {hint}.",
                _ => $"{file.Path}: claim \"{difference.Id}\" is defined differently than in {reference.Path}; {hint}.",
            });
        }
    }

    /// <summary>How <paramref name="other"/> differs from <paramref name="baseline"/>, claim by claim, in id order.</summary>
    public static IEnumerable<(string Id, DefinitionChange Kind)> DefinitionDifferences(
        IReadOnlyList<ClaimDefinition> baseline, IReadOnlyList<ClaimDefinition> other)
    {
        var before = baseline.ToDictionary(c => c.Id, Serialize, StringComparer.Ordinal);
        var after = other.ToDictionary(c => c.Id, Serialize, StringComparer.Ordinal);
        foreach (var id in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            if (!before.TryGetValue(id, out var a))
            {
                yield return (id, DefinitionChange.Added);
            }
            else if (!after.TryGetValue(id, out var b))
            {
                yield return (id, DefinitionChange.Removed);
            }
            else if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                yield return (id, DefinitionChange.Changed);
            }
        }
    }

    /// <summary>A claim in canonical form (layers and expectations in a fixed order), serialized.</summary>
    private static string Serialize(ClaimDefinition claim)
    {
        var canonical = ResultsJson.Canonical(new ResultsFile(
            ResultsFile.SchemaId, ResultsFile.CurrentVersion,
            new RunInfo("", "", "", "", "", "", "", new Dictionary<string, string>()), [claim], []));
        return ResultsJson.Serialize(canonical.Claims[0]);
    }
}

internal enum DefinitionChange
{
    Added,
    Removed,
    Changed,
}
