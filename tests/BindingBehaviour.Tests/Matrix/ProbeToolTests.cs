using System.Diagnostics;
using System.Text.Json;
using BindingBehaviour.Probe;
using Xunit.Abstractions;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// The probe as the .NET tool users install: the package packed beside the tests (probe-package/, from the build), installed
/// with <c>dotnet tool install --tool-path</c> from that folder only (a nuget.config that clears every other source, so it
/// works offline and as uid 65534), then run from another directory.
/// </summary>
public sealed class ProbeToolTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void The_package_installs_as_a_tool_and_the_command_works_from_any_directory()
    {
        var package = Path.Combine(AppContext.BaseDirectory, "probe-package");
        // The host first: a suite published and run without dotnet (the Wine smoke run) has neither a host nor the package.
        var dotnet = DotnetHost() ?? throw new SkipException("no dotnet host to install the tool with (this test process does not run under dotnet, and DOTNET_HOST_PATH is not set)");
        Directory.GetFiles(package, "BindingBehaviour.Probe.*.nupkg").Should().ContainSingle("the test project's build packs the probe into {0}", package);

        var scratch = Directory.CreateTempSubdirectory("probe-tool-");
        try
        {
            var config = Path.Combine(scratch.FullName, "nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="probe-package" value="{package}" />
                  </packageSources>
                </configuration>
                """);
            var tools = Path.Combine(scratch.FullName, "tools");
            var clock = Stopwatch.StartNew();
            var (code, stdout, stderr) = Run(dotnet, ["tool", "install", "--tool-path", tools, "--configfile", config, "BindingBehaviour.Probe"], scratch.FullName, scratch.FullName, dotnet);
            var install = clock.Elapsed;
            code.Should().Be(0, $"dotnet tool install: {stdout} {stderr}");
            stdout.Should().Contain("probe");

            // From a directory that has nothing of the repository in it.
            var elsewhere = Directory.CreateDirectory(Path.Combine(scratch.FullName, "elsewhere")).FullName;
            var probe = Path.Combine(tools, OperatingSystem.IsWindows() ? "probe.exe" : "probe");
            clock.Restart();
            var run = Run(probe, ["--json", "udp", "127.0.0.1:0", "udp", "127.0.0.1:same"], elsewhere, scratch.FullName, dotnet);
            var first = clock.Elapsed;
            run.Code.Should().Be(0, run.Stderr);
            var steps = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("steps");
            steps[1].GetProperty("observed").GetString().Should().Be("bind:AddressAlreadyInUse");
            steps[1].GetProperty("predicted").GetString().Should().Be("bind:AddressAlreadyInUse");

            var predicted = Run(probe, ["--predict", "--os", "windows", "--json", "tcp", "127.0.0.1:0", "listen,", "udp", "127.0.0.1:same"], elsewhere, scratch.FullName, dotnet);
            predicted.Code.Should().Be(0, predicted.Stderr);
            ProbeJson.Read<PredictionReport>(predicted.Stdout).Steps.Select(s => s.Predicted).Should().Equal("ok", "ok");

            output.WriteLine($"dotnet tool install: {install.TotalSeconds:0.0} s; first run of the installed command: {first.TotalSeconds:0.0} s");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>The dotnet host that runs this test process, else DOTNET_HOST_PATH (set by dotnet test), else null.</summary>
    private static string? DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : null;
    }

    /// <summary>
    /// Runs a command in <paramref name="directory"/> with a home, a NuGet cache and a CLI home of its own in
    /// <paramref name="scratch"/> (uid 65534 owns nothing else), and DOTNET_ROOT set to the host's folder so that the
    /// tool's launcher finds the runtime wherever dotnet is installed.
    /// </summary>
    private static (int Code, string Stdout, string Stderr) Run(string command, IReadOnlyList<string> arguments, string directory, string scratch, string dotnet)
    {
        var start = ChildProcess.Start(command, arguments);
        start.WorkingDirectory = directory;
        var home = Path.Combine(scratch, "home");
        start.Environment["HOME"] = home;
        start.Environment["DOTNET_CLI_HOME"] = home;
        start.Environment["NUGET_PACKAGES"] = Path.Combine(scratch, "packages");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_EnableDiagnostics"] = "0";
        start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(dotnet);
        return ChildProcess.Run(start, TimeSpan.FromMinutes(3))
            ?? throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not end within 3 minutes");
    }
}
