using System.Globalization;
using BindingBehaviour.Docs.Rendering;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>
/// The commands. Each validates everything it reads before it writes anything; data problems are thrown as
/// <see cref="ResultsFormatException"/> or <see cref="DocsException"/>, whose message names the file.
/// </summary>
internal sealed class DocsGenerator(TextWriter stdout, TextWriter stderr, ITestRunner tests, string workingDirectory)
{
    public const string RefreshCommand = "dotnet run --project tools/BindingBehaviour.Docs -- refresh";

    /// <summary>render: reads and merges every results file and matrix export, then replaces the docs tree atomically.</summary>
    public int Render(string results, string docs)
    {
        var files = RenderAll(results);
        var leftover = DocsTree.Replace(docs, files);
        stdout.WriteLine($"rendered {files.Count} pages into {docs} from the results in {results}.");
        if (leftover is not null)
        {
            stderr.WriteLine($"warning: {leftover}: the previous docs tree could not be deleted; delete it by hand.");
        }

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

    /// <summary>Reads and validates everything under the results directory (the JSON files, then the matrix exports), then renders in memory.</summary>
    private static SortedDictionary<string, string> RenderAll(string results)
    {
        var merged = ResultsLoader.Load(results);
        var matrix = MatrixLoader.Load(results);
        return AnswerPages.With(DocsRenderer.Render(merged, matrix), merged, RecipesLoader.Load(results));
    }

    /// <summary>record: collects a run directory into results/&lt;os&gt;.json (atomically, only if valid), then renders.</summary>
    public int Record(string run, string results, string docs)
    {
        var collected = RunRecorder.Collect(run);
        var path = Path.Join(results, collected.Run.Os.ToLowerInvariant() + ".json");
        var text = ResultsJson.Write(collected);
        ResultsJson.Parse(text, path); // what is written must be what the strict reader accepts
        RunRecorder.WriteAtomically(path, text);
        stdout.WriteLine($"recorded {collected.Observations.Count} observations of {collected.Claims.Count} claims into {path}.");
        return Render(results, docs);
    }

    /// <summary>refresh: runs the tests into a fresh run directory and, if they pass, records it.</summary>
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

        return Record(run, results, docs);
    }

    /// <summary>check-definitions: the claims of a fresh run against those committed for the same OS; observations are not compared.</summary>
    public int CheckDefinitions(string run, string results)
    {
        var fresh = RunRecorder.Collect(run);
        var os = Enum.Parse<Os>(fresh.Run.Os);
        var committed = ResultsLoader.ByOs(ResultsLoader.ReadAll(results)).GetValueOrDefault(os)
            ?? throw new DocsException($"{results}: holds no results file for {os}; record one with: {RefreshCommand}");

        var differences = ResultsLoader.DefinitionDifferences(committed.Results.Claims, fresh.Claims).ToList();
        if (differences.Count == 0)
        {
            stdout.WriteLine($"{committed.Path}: the claim definitions match the tests ({fresh.Claims.Count} claims).");
            return Cli.Success;
        }

        foreach (var (id, kind) in differences)
        {
            stdout.WriteLine(kind switch
            {
                DefinitionChange.Added => $"missing from {committed.Path}: {id}",
                DefinitionChange.Removed => $"extra in {committed.Path} (no longer in the tests): {id}",
                _ => $"differs: {id}",
            });
        }

        stderr.WriteLine($"error: {committed.Path} is stale: re-run refresh ({differences.Count} claim definition(s) differ from the tests: {RefreshCommand})");
        return Cli.Failure;
    }
}
