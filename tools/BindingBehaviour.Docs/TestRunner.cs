using System.Diagnostics;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>Runs the claims' test suite so that it records into a run directory; returns the suite's exit code.</summary>
internal interface ITestRunner
{
    int Run(string workingDirectory, string runDirectory);

    /// <summary>Builds the test project (Debug), so that its assembly can be read for the catalog; returns the exit code.</summary>
    int Build(string workingDirectory);

    /// <summary>The claim catalog of a built test assembly.</summary>
    CatalogFile Catalog(string assemblyPath) => ClaimAssembly.Read(assemblyPath);
}

/// <summary>
/// `dotnet test tests/BindingBehaviour.Tests/BindingBehaviour.Tests.csproj` as a child process, with its output shown as it
/// comes and BINDINGBEHAVIOUR_RUN_DIR set to the run directory.
/// </summary>
internal sealed class DotnetTestRunner : ITestRunner
{
    public const string TestProject = "tests/BindingBehaviour.Tests/BindingBehaviour.Tests.csproj";

    public int Run(string workingDirectory, string runDirectory) =>
        Dotnet(workingDirectory, ["test", TestProject], runDirectory);

    public int Build(string workingDirectory) => Dotnet(workingDirectory, ["build", TestProject, "-nologo", "-v", "quiet"], null);

    private static int Dotnet(string workingDirectory, IReadOnlyList<string> arguments, string? runDirectory)
    {
        if (!File.Exists(Path.Combine(workingDirectory, TestProject)))
        {
            throw new DocsException($"{TestProject}: not found; run this from the repository root.");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (runDirectory is not null)
        {
            start.Environment[RunRecorder.DirectoryVariable] = runDirectory;
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DocsException($"dotnet: cannot be started: {e.Message}");
        }

        using (process)
        {
            if (process is null)
            {
                throw new DocsException("dotnet: cannot be started.");
            }

            process.WaitForExit();
            return process.ExitCode;
        }
    }
}
