using System.Globalization;
using BindingBehaviour.Docs.Rendering;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>
/// The commands. Each validates everything it reads, and renders in memory, before it writes anything; data problems are
/// thrown as <see cref="ResultsFormatException"/> or <see cref="DocsException"/>, whose message names the file.
/// </summary>
internal sealed class DocsGenerator(TextWriter stdout, TextWriter stderr, ITestRunner tests, string workingDirectory)
{
    public const string RefreshCommand = "dotnet run --project tools/BindingBehaviour.Docs -- refresh";

    public const string CatalogCommand = "dotnet run --project tools/BindingBehaviour.Docs -- catalog";

    /// <summary>render: reads and merges the catalog, every run file, the attestations and the matrix exports, then replaces the docs tree atomically.</summary>
    public int Render(string results, string docs)
    {
        var files = RenderAll(results);
        Write(docs, files);
        stdout.WriteLine($"rendered {files.Count} pages into {docs} from the results in {results}.");
        return Cli.Success;
    }

    /// <summary>check: renders in memory and compares byte for byte with the docs tree; never writes.</summary>
    public int Check(string results, string docs)
    {
        var files = RenderAll(results);
        var differences = DocsTree.Differences(docs, files);
        if (differences.Count == 0)
        {
            stdout.WriteLine($"{docs} is up to date with {results} ({files.Count} pages).");
            return Cli.Success;
        }

        foreach (var (kind, path) in differences)
        {
            stdout.WriteLine($"{kind}: {Path.Join(docs, path)}");
        }

        stderr.WriteLine($"error: {docs} is stale: {differences.Count} file(s) differ from what {results} renders; "
            + $"regenerate with: dotnet run --project tools/BindingBehaviour.Docs -- render --results {results} --out {docs}");
        return Cli.Failure;
    }

    /// <summary>Reads and validates everything under the results directory, with a catalog or a run about to be written in place of the files, then renders in memory.</summary>
    private static SortedDictionary<string, string> RenderAll(string results, CatalogFile? catalog = null, (string Path, RunFile File)? run = null)
    {
        var merged = ResultsLoader.Load(results, catalog, run);
        var matrix = MatrixLoader.Load(results);
        return AnswerPages.With(DocsRenderer.Render(merged, matrix), merged, RecipesLoader.Load(results));
    }

    /// <summary>record: collects a run directory into results/runs/&lt;run name&gt;.json, then renders; nothing is written unless all of it is valid.</summary>
    public int Record(string run, string results, string docs)
    {
        var (path, text, file) = Collect(run, results);
        var files = RenderAll(results, run: (path, file));
        RunRecorder.WriteAtomically(path, text);
        stdout.WriteLine($"recorded {file.Observations.Count} observations of run {file.Name} into {path}.");
        Write(docs, files);
        stdout.WriteLine($"rendered {files.Count} pages into {docs}.");
        return Cli.Success;
    }

    /// <summary>refresh: runs the tests into a fresh run directory and, if they pass, writes the catalog from the built tests, records the run and renders.</summary>
    public int Refresh(string results, string docs)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var runs = Path.Combine(workingDirectory, "artifacts", "runs");
        var run = Path.Combine(runs, $"refresh-{stamp}");
        for (var n = 2; Directory.Exists(run); n++)
        {
            run = Path.Combine(runs, $"refresh-{stamp}-{n.ToString(CultureInfo.InvariantCulture)}");
        }

        stdout.WriteLine($"running the tests, recording into {run}");
        stdout.Flush();
        var exitCode = tests.Run(workingDirectory, run);
        if (exitCode != 0)
        {
            throw new DocsException(
                $"{DotnetTestRunner.TestProject}: the tests failed (exit code {exitCode.ToString(CultureInfo.InvariantCulture)}); nothing was recorded, {results} and {docs} are unchanged; the partial run is in {run}.");
        }

        var catalog = tests.Catalog(Path.Combine(workingDirectory, ClaimAssembly.DefaultPath));
        var catalogPath = Path.Join(results, CatalogFile.FileName);
        var catalogText = CatalogText(catalog, catalogPath);
        var (path, text, file) = Collect(run, results);
        var files = RenderAll(results, catalog, (path, file));
        RunRecorder.WriteAtomically(catalogPath, catalogText);
        RunRecorder.WriteAtomically(path, text);
        stdout.WriteLine($"wrote {catalog.Claims.Count} claims into {catalogPath}; recorded {file.Observations.Count} observations of run {file.Name} into {path}.");
        Write(docs, files);
        stdout.WriteLine($"rendered {files.Count} pages into {docs}.");
        return Cli.Success;
    }

    /// <summary>catalog: reads the claims from the built test assembly (built first unless --tests names one) into results/catalog.json.</summary>
    public int Catalog(string testAssembly, string results)
    {
        var catalog = ReadClaims(testAssembly);
        var path = Path.Join(results, CatalogFile.FileName);
        var text = CatalogText(catalog, path);
        if (!Directory.Exists(results))
        {
            throw new DocsException($"{results}: the results directory does not exist.");
        }

        RunRecorder.WriteAtomically(path, text);
        stdout.WriteLine($"wrote {catalog.Claims.Count} claims ({catalog.Claims.Sum(c => c.Variants.Count)} claim bodies) into {path}; render the docs again to show them.");
        return Cli.Success;
    }

    /// <summary>check-catalog: the committed catalog must be exactly what the tests define; never writes.</summary>
    public int CheckCatalog(string testAssembly, string results)
    {
        var fresh = ReadClaims(testAssembly);
        var path = Path.Join(results, CatalogFile.FileName);
        if (!File.Exists(path))
        {
            throw new DocsException($"{path}: does not exist; generate it with: {CatalogCommand}");
        }

        var committed = ResultsJson.ReadCatalog(path);
        var before = committed.Claims.ToDictionary(c => c.Id, c => ResultsJson.Serialize(c), StringComparer.Ordinal);
        var after = fresh.Claims.ToDictionary(c => c.Id, c => ResultsJson.Serialize(c), StringComparer.Ordinal);
        var differences = 0;
        foreach (var id in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var line = !before.ContainsKey(id) ? $"missing from {path}: {id}"
                : !after.ContainsKey(id) ? $"extra in {path} (no longer in the tests): {id}"
                : before[id] != after[id] ? $"differs: {id}"
                : null;
            if (line is not null)
            {
                differences++;
                stdout.WriteLine(line);
            }
        }

        if (differences == 0 && ResultsJson.WriteCatalog(fresh) == File.ReadAllText(path))
        {
            stdout.WriteLine($"{path}: the catalog matches the tests ({fresh.Claims.Count} claims).");
            return Cli.Success;
        }

        stderr.WriteLine($"error: {path} is stale: {differences.ToString(CultureInfo.InvariantCulture)} claim(s) differ from the tests, or the file is not in canonical form; regenerate it with: {CatalogCommand}");
        return Cli.Failure;
    }

    /// <summary>The catalog of the test assembly: the default path is built first, so it is never older than the sources.</summary>
    private CatalogFile ReadClaims(string testAssembly)
    {
        if (testAssembly == ClaimAssembly.DefaultPath)
        {
            stdout.WriteLine($"building {ClaimAssembly.TestProject} to read its claims");
            stdout.Flush();
            var exitCode = tests.Build(workingDirectory);
            if (exitCode != 0)
            {
                throw new DocsException($"{ClaimAssembly.TestProject}: the build failed (exit code {exitCode.ToString(CultureInfo.InvariantCulture)}); nothing was written.");
            }
        }

        return tests.Catalog(Path.IsPathRooted(testAssembly) ? testAssembly : Path.Combine(workingDirectory, testAssembly));
    }

    private static string CatalogText(CatalogFile catalog, string path)
    {
        var text = ResultsJson.WriteCatalog(catalog);
        ResultsJson.ParseCatalog(text, path); // what is written must be what the strict reader accepts
        return text;
    }

    private static (string Path, string Text, RunFile File) Collect(string run, string results)
    {
        var collected = RunRecorder.Collect(run);
        var path = Path.Join(results, RunFile.Folder, collected.Name + ".json");
        var text = ResultsJson.WriteRun(collected);
        return (path, text, ResultsJson.ParseRun(text, path)); // what is written must be what the strict reader accepts
    }

    private void Write(string docs, IReadOnlyDictionary<string, string> files)
    {
        if (DocsTree.Replace(docs, files) is { } leftover)
        {
            stderr.WriteLine($"warning: {leftover}: the previous docs tree could not be deleted; delete it by hand.");
        }
    }
}
