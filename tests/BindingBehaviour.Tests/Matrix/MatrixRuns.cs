using BindingBehaviour.Matrix;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// The matrix of each layer, run once per test process and shared by the tests that read it (a run takes about half a
/// second natively). <see cref="Fresh"/> runs another one, for the determinism check.
/// </summary>
internal static class MatrixRuns
{
    private static readonly Lazy<MatrixRun> NativeRun = new(() => Fresh(Layer.Native), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<MatrixRun> ManagedRun = new(() => Fresh(Layer.Managed), LazyThreadSafetyMode.ExecutionAndPublication);

    public static MatrixRun Of(Layer layer) => layer == Layer.Native ? NativeRun.Value : ManagedRun.Value;

    public static MatrixRun Fresh(Layer layer) => MatrixRunner.Run(layer);

    /// <summary>Every disagreement as one line, for a failure message that names each cell.</summary>
    public static string Describe(MatrixRun run) =>
        string.Join('\n', run.Disagreements().Select(d =>
            $"  {MatrixRun.Describe(run.Layout, d.Cell)}: predicted {d.Predicted.Code}, observed {d.Observed.Code}"));

    public static string Skips(MatrixRun run) =>
        run.SkipReasons().Count == 0
            ? "no cell skipped"
            : string.Join('\n', run.SkipReasons().Select(s => $"skipped {s.Cells} cells: {s.Reason}"));
}

/// <summary>
/// The tests that run whole matrices share one collection, so that their runs follow one another instead of competing for
/// the two cores and for ports; the collection still runs in parallel with the rest of the suite.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MatrixCollection
{
    public const string Name = "Matrix runs";
}
