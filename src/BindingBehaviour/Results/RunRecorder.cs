using System.Text;

namespace BindingBehaviour.Results;

/// <summary>
/// Records a test run into a run directory: run.json (the environment), catalog.json (every claim's definition) and
/// one file per observed claim and layer under observations/. Files are written whole and renamed into place, so
/// tests running in parallel never see a half-written file; <see cref="Collect"/> turns a directory into a results file.
/// </summary>
public sealed class RunRecorder
{
    /// <summary>Set this to choose where a run is recorded; otherwise each run gets its own folder under artifacts/runs.</summary>
    public const string DirectoryVariable = "BINDINGBEHAVIOUR_RUN_DIR";

    private readonly Lazy<bool> _environmentWritten;

    public RunRecorder(string directory)
    {
        Directory = directory;
        _environmentWritten = new Lazy<bool>(() =>
        {
            WriteAtomically(Path.Combine(Directory, "run.json"), ResultsJson.Serialize(RunEnvironment.Capture(DateTime.UtcNow)));
            return true;
        });
    }

    public string Directory { get; }

    public static string DefaultDirectory(string repositoryRoot) =>
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } chosen
            ? Path.GetFullPath(chosen)
            : Path.Combine(repositoryRoot, "artifacts", "runs",
                $"{HostOs.Require().ToString().ToLowerInvariant()}-{DateTime.UtcNow:yyyyMMdd'T'HHmmss}-{Environment.ProcessId}");

    public void Record(Observation observation)
    {
        _ = _environmentWritten.Value;
        var file = Path.Combine(Directory, "observations", $"{observation.Claim}.{observation.Layer}.json");
        WriteAtomically(file, ResultsJson.Serialize(observation));
    }

    public void RecordCatalog(IReadOnlyList<ClaimDefinition> claims)
    {
        _ = _environmentWritten.Value;
        WriteAtomically(Path.Combine(Directory, "catalog.json"), ResultsJson.Serialize(claims));
    }

    /// <summary>Assembles a run directory into one results file, and refuses an incomplete run.</summary>
    public static ResultsFile Collect(string directory)
    {
        string Required(string file)
        {
            var path = Path.Combine(directory, file);
            return File.Exists(path)
                ? File.ReadAllText(path, Encoding.UTF8)
                : throw new ResultsFormatException($"{directory}: the run has no {file}; run the whole test suite, not a filtered part.");
        }

        var run = ResultsJson.Deserialize<RunInfo>(Required("run.json"), Path.Combine(directory, "run.json"));
        var catalog = ResultsJson.Deserialize<List<ClaimDefinition>>(Required("catalog.json"), Path.Combine(directory, "catalog.json"));
        var observationsDirectory = Path.Combine(directory, "observations");
        var observations = System.IO.Directory.Exists(observationsDirectory)
            ? System.IO.Directory.GetFiles(observationsDirectory, "*.json")
                .Select(f => ResultsJson.Deserialize<Observation>(File.ReadAllText(f, Encoding.UTF8), f))
                .ToList()
            : [];

        var missing = catalog
            .SelectMany(c => c.Variants.Select(v => (c.Id, v.Layer)))
            .Where(key => !observations.Any(o => o.Claim == key.Id && o.Layer == key.Layer))
            .Select(key => $"{key.Id} ({key.Layer})")
            .ToList();
        if (missing.Count > 0)
        {
            throw new ResultsFormatException(
                $"{directory}: the run is incomplete, {missing.Count} claim(s) were not run: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")}.");
        }

        var results = ResultsJson.Canonical(new ResultsFile(ResultsFile.SchemaId, ResultsFile.CurrentVersion, run, catalog, observations));
        ResultsJson.Validate(results, directory);
        return results;
    }

    public static void WriteAtomically(string path, string content)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
    }
}
