using BindingBehaviour.Matrix;
using BindingBehaviour.Tests.Infrastructure;
using BindingBehaviour.Tests.Matrix;

namespace BindingBehaviour.Tests.Engine;

/// <summary>
/// The native layer answers every cell of the matrix as raw syscalls do: the matrix this run observed through the
/// native layer is run again, cell by cell, by Python's socket module (which adds no option), and every answer compared.
/// </summary>
[Collection(MatrixCollection.Name)]
public sealed class RawMatrixCrossCheckTests
{
    [SkippableFact]
    public void Every_native_matrix_cell_agrees_with_raw_syscalls()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The cross-check runs Python's socket module as the raw-syscall reference on Linux.");
        var python = Python3.Path;
        Skip.If(python is null, "python3 is not on this machine.");

        var run = MatrixRuns.Of(Layer.Native);
        Skip.If(run.SkipReasons().Count > 0, $"some cells cannot run here: {MatrixRuns.Skips(run)}");
        var tsv = Path.Combine(Path.GetTempPath(), $"bb-native-{Environment.ProcessId}-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(tsv, MatrixTsv.Export(run));
        try
        {
            var start = ChildProcess.Start(python!, [Path.Combine(Repository.ProjectDirectory, "Engine", "raw_matrix.py"), tsv]);
            var (code, output, error) = ChildProcess.Run(start, TimeSpan.FromMinutes(10)) ?? throw new TimeoutException("raw_matrix.py did not end within 10 minutes");
            var lines = output.TrimEnd('\n').Split('\n');

            code.Should().Be(0, error);
            lines[^1].Should().StartWith($"cells={run.Layout.Cells.Count} differ=0 ", string.Join('\n', lines.Take(20)));
        }
        finally
        {
            File.Delete(tsv);
        }
    }
}
