using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;

// The C# half of the Wine smoke run (.ci/wine/smoke): it lays out what Wine runs (a Windows .NET root and the xunit
// console runner, from the NuGet packages this project downloads) and judges what came back. It judges only whether the
// Windows code paths ran: never the outcomes Wine gave, which are Linux's answers through Winsock and are never results.
return args switch
{
    ["lay-out", var drive] => LayOut.Run(drive),
    ["judge-probe", var json, var steps] => Judge.Probe(json, int.Parse(steps, System.Globalization.CultureInfo.InvariantCulture)),
    ["judge-matrix", var tsv, var environment] => Judge.Matrix(tsv, environment),
    ["judge-suite", var xml] => Judge.Suite(xml),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: WineSmoke lay-out DRIVE | judge-probe JSON STEPS | judge-matrix TSV ENVIRONMENT | judge-suite XUNIT_XML");
    return 2;
}

/// <summary>What Wine needs beside the published builds, in the folder that becomes its drive D:.</summary>
internal static class LayOut
{
    /// <summary>The 1024-byte slot the SDK's HostWriter fills with the app's dll name: SHA-256 of "foobar", as UTF-8.</summary>
    private const string AppHostPlaceholder = "c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2";

    /// <summary>
    /// Paths where the suite would find a Linux tool if it looked for one on Windows. Each gets a file that is no Windows
    /// program, so a test that looks there (File.Exists) and starts it fails with a Win32Exception instead of skipping quietly.
    /// </summary>
    private static readonly string[] LinuxToolPaths =
    [
        "bin/sh", "usr/bin/sh", "usr/bin/unshare", "usr/bin/setpriv", "usr/bin/nsenter", "usr/bin/ip", "usr/sbin/ip",
        "usr/bin/ss", "usr/sbin/sysctl", "usr/bin/python3", "usr/local/bin/python3",
    ];

    public static int Run(string drive)
    {
        var packages = Metadata("NuGetPackageRoot");
        var version = Metadata("RuntimeVersion");
        string Pack(string id, params string[] path) => Path.Combine([packages, id, version, .. path]);

        // A Windows .NET root, as an installer lays it out: hostfxr, and the two shared frameworks the tests use.
        var root = Path.Combine(drive, "dotnet");
        var netcore = Pack("microsoft.netcore.app.runtime.win-x64", "runtimes", "win-x64");
        CopyFiles(Path.Combine(netcore, "native"), Path.Combine(root, "host", "fxr", version), "hostfxr.dll");
        CopyFiles(Path.Combine(netcore, "lib", "net10.0"), Path.Combine(root, "shared", "Microsoft.NETCore.App", version));
        CopyFiles(Path.Combine(netcore, "native"), Path.Combine(root, "shared", "Microsoft.NETCore.App", version));
        CopyFiles(Pack("microsoft.aspnetcore.app.runtime.win-x64", "runtimes", "win-x64", "lib", "net10.0"),
            Path.Combine(root, "shared", "Microsoft.AspNetCore.App", version));

        // The console runner in a folder of its own: it loads every dll beside it, and beside the runtime's native dlls
        // it hung in Wine's exception dispatch.
        var runner = Path.Combine(drive, "runner");
        CopyFiles(Path.Combine(packages, "xunit.runner.console", Metadata("XunitConsoleVersion"), "tools", "netcoreapp2.0"), runner);
        File.WriteAllText(Path.Combine(runner, "xunit.console.runtimeconfig.json"), RuntimeConfig(version));
        WriteAppHost(Pack("microsoft.netcore.app.host.win-x64", "runtimes", "win-x64", "native", "apphost.exe"),
            Path.Combine(runner, "xunit.console.exe"), "xunit.console.dll");

        foreach (var tool in LinuxToolPaths)
        {
            var path = Path.Combine(drive, tool);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "not a program: the Wine smoke run's stand-in for a Linux tool the suite must not start on Windows\n");
        }

        Console.WriteLine($"laid out {root} (.NET {version}) and {runner}");
        return 0;
    }

    /// <summary>
    /// The runner's runtimeconfig: .NET 10 with ASP.NET Core (Kestrel claims), and reflection invoking through emitted
    /// code, without which the first exception that leaves a test method hangs the process under Wine.
    /// </summary>
    private static string RuntimeConfig(string version) => new JsonObject
    {
        ["runtimeOptions"] = new JsonObject
        {
            ["tfm"] = "net10.0",
            ["frameworks"] = new JsonArray(
                new JsonObject { ["name"] = "Microsoft.NETCore.App", ["version"] = version },
                new JsonObject { ["name"] = "Microsoft.AspNetCore.App", ["version"] = version }),
            ["configProperties"] = new JsonObject { ["Switch.System.Reflection.ForceEmitInvoke"] = true },
        },
    }.ToJsonString();

    /// <summary>The SDK's Windows apphost with its placeholder replaced by the dll to run, as the SDK's HostWriter does.</summary>
    private static void WriteAppHost(string template, string destination, string dll)
    {
        var bytes = File.ReadAllBytes(template);
        var placeholder = Encoding.UTF8.GetBytes(AppHostPlaceholder);
        var at = bytes.AsSpan().IndexOf(placeholder);
        if (at < 0 || bytes.AsSpan(at + 1).IndexOf(placeholder) >= 0)
        {
            throw new InvalidDataException($"{template} does not hold the apphost placeholder exactly once.");
        }

        var slot = bytes.AsSpan(at, 1024);
        slot.Clear();
        Encoding.UTF8.GetBytes(dll).CopyTo(slot);
        File.WriteAllBytes(destination, bytes);
    }

    private static void CopyFiles(string from, string to, string pattern = "*")
    {
        var files = Directory.GetFiles(from, pattern);
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"No {pattern} in {from}: was the package downloaded (dotnet restore .ci/wine)?");
        }

        Directory.CreateDirectory(to);
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }

    private static string Metadata(string key) =>
        typeof(LayOut).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing.");
}

/// <summary>The verdicts: each prints what it checked and returns 1 when a condition of the smoke run is violated.</summary>
internal static class Judge
{
    /// <summary>A probe run answered every step: its --json output has that many steps, each with an outcome code.</summary>
    public static int Probe(string json, int steps)
    {
        string? problem;
        try
        {
            var answered = JsonNode.Parse(File.ReadAllText(json))?["steps"]?.AsArray() ?? [];
            var codes = answered.Select(s => s?["observed"]?.GetValue<string>()).ToList();
            problem = codes.Count != steps ? $"{codes.Count} steps answered, {steps} asked"
                : codes.FirstOrDefault(c => c is null || !(c == "ok" || (c.Split(':') is [_, { Length: > 0 }]))) is { } bad ? $"a step's outcome is \"{bad}\""
                : null;
            Console.WriteLine($"  {Path.GetFileName(json)}: {string.Join(", ", codes)}");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or IOException)
        {
            problem = $"not the probe's JSON: {e.Message}";
        }

        if (problem is not null)
        {
            Console.WriteLine($"  VIOLATION {Path.GetFileName(json)}: {problem}");
        }

        return problem is null ? 0 : 1;
    }

    /// <summary>
    /// A matrix export ran to the end: the TSV has its header and one row of ten fields per cell, as many rows as the
    /// environment file says were run and skipped, and at least one cell ran.
    /// </summary>
    public static int Matrix(string tsv, string environment)
    {
        var problems = new List<string>();
        if (!File.Exists(tsv) || !File.Exists(environment))
        {
            problems.Add($"missing {(File.Exists(tsv) ? environment : tsv)}");
        }
        else
        {
            var lines = File.ReadAllLines(tsv);
            const string Header = "layer\tproto_a\taddr_a\topts_a\tstate_a\tproto_b\taddr_b\topts_b\tstate_b\toutcome";
            if (lines.Length == 0 || lines[0] != Header)
            {
                problems.Add("the header is not the format's (results/matrix/README.md)");
            }

            var rows = lines.Skip(1).ToList();
            var malformed = rows.Count(r => r.Split('\t').Length != 10 || r.Split('\t').Any(f => f.Length == 0));
            if (malformed > 0)
            {
                problems.Add($"{malformed} rows are not ten fields");
            }

            var cells = File.ReadLines(environment).FirstOrDefault(l => l.StartsWith("cells: ", StringComparison.Ordinal))?.Split(' ');
            if (cells is not [_, var run, "run,", var skipped, "skipped"] || !int.TryParse(run, out var ran) || !int.TryParse(skipped, out var notRun))
            {
                problems.Add("the environment file has no \"cells: N run, M skipped\" line");
            }
            else if (ran == 0 || rows.Count != ran + notRun)
            {
                problems.Add($"{rows.Count} rows for {ran} cells run and {notRun} skipped");
            }
            else
            {
                Console.WriteLine($"  {Path.GetFileName(tsv)}: {rows.Count} cells ({ran} run, {notRun} skipped)");
            }
        }

        foreach (var problem in problems)
        {
            Console.WriteLine($"  VIOLATION {Path.GetFileName(tsv)}: {problem}");
        }

        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Every test reached a recorded outcome or a skip. A failed assertion (xunit's XunitException, which FluentAssertions
    /// throws) is an outcome Wine gave, and a snapshot that does not match is Wine's message text: both are Linux's answers,
    /// not judged. A violation is anything else: no results (a crash, or the timeout killed a hang), an error outside a
    /// test, a missing snapshot, a test that timed out, threw another exception where an outcome was expected, or started
    /// a program (a Linux tool's stand-in cannot start: Win32Exception).
    /// </summary>
    public static int Suite(string xml)
    {
        if (!File.Exists(xml))
        {
            Console.WriteLine($"  VIOLATION: no results at {xml}: the runner crashed or was stopped by the timeout (a hang)");
            Console.WriteLine("wine: 0 passed, 1 failed, 0 skipped");
            return 1;
        }

        var assemblies = XDocument.Load(xml).Descendants("assembly").ToList();
        var tests = assemblies.SelectMany(a => a.Descendants("test")).ToList();
        var violations = new List<string>();
        if (assemblies.Count == 0 || tests.Count == 0)
        {
            violations.Add("the results hold no test");
        }

        foreach (var assembly in assemblies)
        {
            if ((int?)assembly.Attribute("total") != assembly.Descendants("test").Count())
            {
                violations.Add($"{assembly.Attribute("name")?.Value}: total {assembly.Attribute("total")?.Value} but {assembly.Descendants("test").Count()} results");
            }

            foreach (var error in assembly.Descendants("error"))
            {
                violations.Add($"error outside a test ({error.Attribute("type")?.Value} {error.Attribute("name")?.Value}): {FirstLine(error.Element("failure")?.Element("message")?.Value)}");
            }
        }

        int passed = 0, failed = 0, skipped = 0;
        foreach (var test in tests)
        {
            var name = test.Attribute("name")?.Value ?? "?";
            switch (test.Attribute("result")?.Value)
            {
                case "Pass":
                    passed++;
                    break;
                case "Skip":
                    skipped++;
                    var reason = test.Element("reason")?.Value ?? "";
                    if (reason.Trim().Length == 0)
                    {
                        violations.Add($"{name}: skipped without a reason");
                    }
                    else if (StartedAProgram(reason))
                    {
                        violations.Add($"{name}: started a program on its way to the skip: {FirstLine(reason)}");
                    }

                    break;
                case "Fail":
                    failed++;
                    var failure = test.Element("failure");
                    var type = failure?.Attribute("exception-type")?.Value ?? "?";
                    var message = failure?.Element("message")?.Value ?? "";
                    var violation = type switch
                    {
                        _ when StartedAProgram(message) || type == "System.ComponentModel.Win32Exception" => "started a program (a Linux tool?)",
                        "System.TimeoutException" => "timed out",
                        "Xunit.Sdk.XunitException" when message.Contains("is missing. What this run received", StringComparison.Ordinal) => "misses a snapshot",
                        "Xunit.Sdk.XunitException" => null,
                        _ => "threw where an outcome was expected",
                    };
                    if (violation is not null)
                    {
                        violations.Add($"{name}: {violation}: {type}: {FirstLine(message)}");
                    }

                    break;
                default:
                    violations.Add($"{name}: no outcome ({test.Attribute("result")?.Value})");
                    break;
            }
        }

        foreach (var violation in violations)
        {
            Console.WriteLine($"  VIOLATION {violation}");
        }

        Console.WriteLine($"  {tests.Count} tests; failures judged: only those that are not an assertion on Wine's answers");
        Console.WriteLine($"wine: {passed} passed, {failed} failed, {skipped} skipped");
        return violations.Count == 0 ? 0 : 1;
    }

    /// <summary>.NET's message when Process.Start cannot start a file (System.Diagnostics.Process, SR.ErrorStartingProcess).</summary>
    private static bool StartedAProgram(string text) => text.Contains("An error occurred trying to start process", StringComparison.Ordinal);

    private static string FirstLine(string? text)
    {
        var line = (text ?? "").Replace("\\n", "\n", StringComparison.Ordinal).Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] + "..." : line;
    }
}
