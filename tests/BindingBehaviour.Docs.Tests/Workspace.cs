namespace BindingBehaviour.Docs.Tests;

/// <summary>A temporary folder holding results/, docs/ and runs for one test, deleted afterwards; runs the tool in-process.</summary>
internal sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "bbdocs-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Results => Path.Combine(Root, "results");

    public string Docs => Path.Combine(Root, "docs");

    public string Read(string docsRelative) => File.ReadAllText(Path.Combine(Docs, docsRelative));

    /// <summary>Entries next to docs/ left by an interrupted swap: "docs.tmp-*" or "docs.old-*".</summary>
    public IReadOnlyList<string> Leftovers() =>
        [.. Directory.GetFileSystemEntries(Root).Select(Path.GetFileName).Where(n => n!.StartsWith("docs.", StringComparison.Ordinal))!];

    public (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => Run(new NoTests(), args);

    public (int ExitCode, string Stdout, string Stderr) Run(ITestRunner tests, params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exitCode = Cli.Run(args, stdout, stderr, tests, Root);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    public (int ExitCode, string Stdout, string Stderr) Render() => Run("render", "--results", Results, "--out", Docs);

    /// <summary>Renders, and fails the test with the tool's stderr if that does not succeed.</summary>
    public void RenderOk()
    {
        var (exitCode, _, stderr) = Render();
        exitCode.Should().Be(0, stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind must not fail a test.
        }
    }

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private sealed class NoTests : ITestRunner
    {
        public int Run(string workingDirectory, string runDirectory) =>
            throw new InvalidOperationException("this test does not run the test suite.");

        public int Build(string workingDirectory) =>
            throw new InvalidOperationException("this test does not build the test suite.");
    }
}
