using System.Text;

namespace BindingBehaviour.Results;

/// <summary>A claim on one layer as the build that runs defines it: what a complete run must observe, and the body's hash.</summary>
public sealed record ManifestEntry(string Claim, string Layer, string BodyHash);

/// <summary>
/// Records a test run into a run directory: run.json (the environment), claims.json (every claim and layer this build
/// defines, with its body hash: what a complete run observes) and one file per observed claim and layer under
/// observations/. Files are written whole and renamed into place, so tests running in parallel never see a half-written
/// file; <see cref="Collect"/> turns a directory into a run file.
/// </summary>
public sealed class RunRecorder
{
    /// <summary>Set this to choose where a run is recorded; otherwise each run gets its own folder under artifacts/runs.</summary>
    public const string DirectoryVariable = "BINDINGBEHAVIOUR_RUN_DIR";

    public const string RunFileName = "run.json";

    public const string ManifestFileName = "claims.json";

    public const string ObservationsFolder = "observations";

    private readonly Lazy<bool> _started;

    /// <param name="directory">The run directory.</param>
    /// <param name="repositoryRoot">The checkout the tests were built from (for the commit).</param>
    /// <param name="manifest">Every claim and layer of this build, read once, when the first observation is recorded.</param>
    public RunRecorder(string directory, string repositoryRoot, Func<IReadOnlyList<ManifestEntry>> manifest)
    {
        Directory = directory;
        _started = new Lazy<bool>(() =>
        {
            WriteAtomically(Path.Combine(Directory, RunFileName), ResultsJson.Serialize(RunEnvironment.CaptureRun(DateTime.UtcNow, repositoryRoot)));
            WriteAtomically(Path.Combine(Directory, ManifestFileName), ResultsJson.Serialize(manifest()));
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
        _ = _started.Value;
        var file = Path.Combine(Directory, ObservationsFolder, $"{observation.Claim}.{observation.Layer}.json");
        WriteAtomically(file, ResultsJson.Serialize(observation));
    }

    /// <summary>Assembles a run directory into one run file; refuses an incomplete run, or one whose files disagree.</summary>
    public static RunFile Collect(string directory)
    {
        string Required(string file)
        {
            var path = Path.Combine(directory, file);
            return File.Exists(path)
                ? File.ReadAllText(path, Encoding.UTF8)
                : throw new ResultsFormatException($"{directory}: the run has no {file}; run the whole test suite, not a filtered part.");
        }

        var run = ResultsJson.Deserialize<RunInfo>(Required(RunFileName), Path.Combine(directory, RunFileName));
        var manifest = ResultsJson.Deserialize<List<ManifestEntry>>(Required(ManifestFileName), Path.Combine(directory, ManifestFileName));
        var observationsDirectory = Path.Combine(directory, ObservationsFolder);
        var observations = System.IO.Directory.Exists(observationsDirectory)
            ? System.IO.Directory.GetFiles(observationsDirectory, "*.json")
                .Select(f => ResultsJson.Deserialize<Observation>(File.ReadAllText(f, Encoding.UTF8), f))
                .ToList()
            : [];

        var missing = manifest
            .Where(entry => !observations.Any(o => o.Claim == entry.Claim && o.Layer == entry.Layer))
            .Select(entry => $"{entry.Claim} ({entry.Layer})")
            .ToList();
        if (missing.Count > 0)
        {
            throw new ResultsFormatException(
                $"{directory}: the run is incomplete, {missing.Count} claim(s) were not run: {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")}.");
        }

        var defined = manifest.ToDictionary(e => (e.Claim, e.Layer), e => e.BodyHash);
        foreach (var observation in observations)
        {
            if (!defined.TryGetValue((observation.Claim, observation.Layer), out var hash) || hash != observation.BodyHash)
            {
                throw new ResultsFormatException(
                    $"{directory}: the observation of {observation.Claim} ({observation.Layer}) is not of a claim body in {ManifestFileName}; "
                    + "the run directory mixes two builds: record a fresh run.");
            }
        }

        if (!HostOs.TryParse(run.Os, out var os))
        {
            throw new ResultsFormatException($"{Path.Combine(directory, RunFileName)}: unknown OS \"{run.Os}\".");
        }

        var file = ResultsJson.Canonical(new RunFile(RunFile.SchemaId, RunFile.CurrentVersion, RunName.Of(os, run.Kernel, run.Qualifier ?? ""), run, observations));
        ResultsJson.ValidateRun(file, directory);
        return file;
    }

    public static void WriteAtomically(string path, string content)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
    }
}
