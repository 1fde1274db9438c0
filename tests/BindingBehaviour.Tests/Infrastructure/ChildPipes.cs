using System.Diagnostics;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Process.Dispose does not close redirected standard streams ("Don't call close on the Readers and writers",
/// dotnet/runtime Process.cs), so their pipes stay open until a finalizer runs; the descriptor check counts that as a
/// leak. Every child started with redirection closes its pipes through this.
/// </summary>
public static class ChildPipes
{
    /// <summary>For <c>using var pipes = process.ClosingPipes();</c> right after the start: the pipes close with the scope.</summary>
    public static IDisposable ClosingPipes(this Process process) => new Closer(process);

    public static void ClosePipes(this Process process)
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
        public void Dispose() => process.ClosePipes();
    }
}
