using System.Diagnostics;

namespace BindingBehaviour;

/// <summary>
/// How every child process is run. Process.Dispose does not close redirected standard streams ("Don't call close on the
/// Readers and writers", dotnet/runtime Process.cs), so their pipes stay open until a finalizer runs, and the descriptor
/// check counts that as a leak: every child started with redirection closes its pipes through <see cref="ClosingPipes"/>.
/// </summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs a command to its end with nothing on its stdin, reading both outputs; null when it did not end within
    /// <paramref name="timeout"/> (then it is killed with its children).
    /// </summary>
    public static (int Code, string Stdout, string Stderr)? Run(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        using var pipes = process.ClosingPipes();
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                return null;
            }

            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        finally
        {
            process.KillIfRunning();
        }
    }

    /// <summary>Kills a child that has not ended, with its own children, and waits for it: no run leaves one behind.</summary>
    public static void KillIfRunning(this Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>A start with these arguments, each passed as one argument.</summary>
    public static ProcessStartInfo Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>For <c>using var pipes = process.ClosingPipes();</c> right after the start: the pipes close with the scope.</summary>
    public static IDisposable ClosingPipes(this Process process) => new Closer(process);

    private static void ClosePipes(Process process)
    {
        var start = process.StartInfo;
        if (start.RedirectStandardInput)
        {
            process.StandardInput.Dispose();
        }

        if (start.RedirectStandardOutput)
        {
            process.StandardOutput.Dispose();
        }

        if (start.RedirectStandardError)
        {
            process.StandardError.Dispose();
        }
    }

    private sealed class Closer(Process process) : IDisposable
    {
        public void Dispose() => ClosePipes(process);
    }
}
