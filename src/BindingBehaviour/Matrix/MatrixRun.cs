namespace BindingBehaviour.Matrix;

/// <summary>The result of running a matrix: per cell, the prediction, the observation (or why it was skipped) and the attempts.</summary>
public sealed class MatrixRun(
    MatrixLayout layout,
    MatrixCapabilities capabilities,
    CellOutcome[] predicted,
    CellOutcome[] observed,
    string?[] skipped,
    byte[] attempts,
    int scenarios,
    TimeSpan elapsed)
{
    public MatrixLayout Layout { get; } = layout;

    public MatrixCapabilities Capabilities { get; } = capabilities;

    public IReadOnlyList<CellOutcome> Predicted { get; } = predicted;

    /// <summary>The observed outcome of each cell; meaningless where <see cref="Skipped"/> has a reason.</summary>
    public IReadOnlyList<CellOutcome> Observed { get; } = observed;

    /// <summary>Why a cell did not run here, or null when it ran.</summary>
    public IReadOnlyList<string?> Skipped { get; } = skipped;

    public IReadOnlyList<byte> Attempts { get; } = attempts;

    /// <summary>Two-socket scenarios run, retries included.</summary>
    public int Scenarios { get; } = scenarios;

    public TimeSpan Elapsed { get; } = elapsed;

    public int CellsRun => Skipped.Count(s => s is null);

    public int CellsRetried => Attempts.Count(a => a > 1);

    public double ScenariosPerSecond => Scenarios / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>The cells that ran and whose observation differs from the model's prediction.</summary>
    public IReadOnlyList<(MatrixCell Cell, CellOutcome Predicted, CellOutcome Observed)> Disagreements() =>
        [.. Layout.Cells.Where(c => Skipped[c.Index] is null && Observed[c.Index] != Predicted[c.Index])
            .Select(c => (c, Predicted[c.Index], Observed[c.Index]))];

    /// <summary>The skip reasons with the number of cells each one skipped.</summary>
    public IReadOnlyList<(string Reason, int Cells)> SkipReasons() =>
        [.. Skipped.Where(s => s is not null).GroupBy(s => s!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))];

    /// <summary>A cell as one readable line: "tcp 0.0.0.0 REUSEADDR listening → udp [::] - bound".</summary>
    public static string Describe(MatrixLayout layout, MatrixCell cell) =>
        $"{Describe(layout.Layer, cell.A)} → {Describe(layout.Layer, cell.B)}";

    public static string Describe(Layer layer, MatrixConfig config) =>
        $"{MatrixWords.Proto(config.Transport)} {config.Address.Text} {MatrixWords.Options(layer, config.Options)} {MatrixWords.State(config.Listening)}";
}
