namespace BindingBehaviour.KernelTables;

/// <summary>The command-line tools the reader runs (clang, bpftool), found on PATH or where Debian puts them.</summary>
internal static class Tools
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>The tool's path on PATH, then in /usr/sbin and /sbin (where Debian installs bpftool, often off a user's PATH); null if absent.</summary>
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"])
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Runs a tool to its end (killed after a timeout) and returns its exit code and output.</summary>
    public static (int Code, string Stdout, string Stderr) Run(string tool, IReadOnlyList<string> arguments) =>
        ChildProcess.Run(ChildProcess.Start(tool, arguments), Timeout) ?? (-1, "", $"{tool} did not end within {Timeout.TotalSeconds:0} s");
}
