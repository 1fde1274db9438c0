using System.Diagnostics;

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

    /// <summary>Runs a tool to its end (killed after a timeout) and returns its exit code and output; every pipe is closed here.</summary>
    public static (int Code, string Stdout, string Stderr) Run(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return (-1, "", $"{tool} did not end within {Timeout.TotalSeconds:0} s");
            }

            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        finally
        {
            // Process.Dispose leaves redirected pipes to the finalizer; the descriptor check counts that as a leak.
            process.StandardInput.Dispose();
            process.StandardOutput.Dispose();
            process.StandardError.Dispose();
        }
    }
}
