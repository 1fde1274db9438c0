using System.Runtime.CompilerServices;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Docs;

/// <summary>The machine an export was made on, as its environment file says.</summary>
internal sealed record MatrixMachine(string FileName, string Kernel, string Runtime, string Missing);

/// <summary>A cell where an export's observation is not what the model of its OS predicts.</summary>
internal sealed record Disagreement(MatrixCell Cell, string Predicted, string Observed);

/// <summary>A managed cell beside the native cell with the options .NET really sets, where the two answer differently.</summary>
internal sealed record LayerDifference(MatrixCell Managed, MatrixCell Native, string ManagedOutcome, string NativeOutcome);

/// <summary>The managed export of one run against its native export, paired through .NET's option mapping.</summary>
internal sealed record LayerComparison(LoadedMatrix Managed, LoadedMatrix Native, int Paired, IReadOnlyList<LayerDifference> Differences)
{
    public Os Os => Managed.Os;

    public string RunName => Managed.RunName;

    public int ManagedCells => Managed.Rows.Count;

    public int Same => Paired - Differences.Count;
}

/// <summary>Every matrix export that was found, and the comparisons between them.</summary>
internal sealed class MatrixResults(IReadOnlyList<LoadedMatrix> exports, bool folderExists)
{
    public static MatrixResults None { get; } = new([], folderExists: false);

    /// <summary>The layers in the order the docs show them.</summary>
    public static IReadOnlyList<Layer> Layers { get; } = [Layer.Native, Layer.Managed];

    /// <summary>Whether &lt;results&gt;/matrix exists at all.</summary>
    public bool FolderExists { get; } = folderExists;

    /// <summary>The exports by layer (native first), then by OS (the order of the columns), then by run name.</summary>
    public IReadOnlyList<LoadedMatrix> Exports { get; } =
        [.. exports.OrderBy(e => e.Layer).ThenBy(e => e.Os).ThenBy(e => e.RunName, StringComparer.Ordinal)];

    public LoadedMatrix? Find(string runName, Layer layer) => Exports.FirstOrDefault(e => e.RunName == runName && e.Layer == layer);

    /// <summary>Every export of one OS on one layer: one per run.</summary>
    public IReadOnlyList<LoadedMatrix> Of(Os os, Layer layer) => [.. Exports.Where(e => e.Os == os && e.Layer == layer)];

    public IReadOnlyList<LoadedMatrix> OfLayer(Layer layer) => [.. Exports.Where(e => e.Layer == layer)];

    /// <summary>The names of the runs with an export, in the order of <see cref="Exports"/>.</summary>
    public IReadOnlyList<string> RunNames => [.. Exports.Select(e => e.RunName).Distinct(StringComparer.Ordinal)];

    /// <summary>The exports of one layer (every run of every OS) compared cell by cell, or null with fewer than two.</summary>
    public MatrixComparisonResult? CompareOses(Layer layer) => OfLayer(layer) is { Count: >= 2 } exports
        ? MatrixComparison.Compare([.. exports.Select(e => (e.RunName, e.Rows))])
        : null;

    /// <summary>The runs of one OS on one layer compared cell by cell (where kernels or settings answer differently), or null with fewer than two.</summary>
    public MatrixComparisonResult? CompareRuns(Os os, Layer layer) => Of(os, layer) is { Count: >= 2 } exports
        ? MatrixComparison.Compare([.. exports.Select(e => (e.RunName, e.Rows))])
        : null;

    /// <summary>
    /// The managed export of a run against its native export. The two vocabularies differ (C# options against kernel
    /// options), so each managed cell is paired with the native cell carrying the options .NET really sets
    /// (<see cref="DotNetOptionMapping.ToSpec(Os, MatrixConfig)"/>); null unless the run has both exports.
    /// </summary>
    public LayerComparison? CompareLayers(string runName)
    {
        if (Find(runName, Layer.Managed) is not { } managed || Find(runName, Layer.Native) is not { } native)
        {
            return null;
        }

        var os = managed.Os;
        var paired = 0;
        var differences = new List<LayerDifference>();
        foreach (var (cell, outcome) in managed.Observed())
        {
            if (native.Layout.Find(ToNative(os, cell.A), ToNative(os, cell.B)) is not { } counterpart
                || native.OutcomeOf(counterpart) is not { } nativeOutcome)
            {
                continue;
            }

            paired++;
            if (!string.Equals(outcome, nativeOutcome, StringComparison.Ordinal))
            {
                differences.Add(new LayerDifference(cell, counterpart, outcome, nativeOutcome));
            }
        }

        return new LayerComparison(managed, native, paired, differences);
    }

    private static MatrixConfig ToNative(Os os, MatrixConfig managed) =>
        managed with { Options = (int)DotNetOptionMapping.ToSpec(os, managed).Options };
}

/// <summary>Facts about the matrix that do not depend on any export: predictions, cells by key, counts, descriptions.</summary>
internal static class MatrixFacts
{
    // Layouts are the shared instances of MatrixLayout.For, so a cache keyed by the layout computes each value once per process.
    private static readonly ConditionalWeakTable<MatrixLayout, IReadOnlyList<CellOutcome>> PredictionCache = new();

    private static readonly ConditionalWeakTable<MatrixLayout, IReadOnlyDictionary<string, MatrixCell>> KeyCache = new();

    /// <summary>The model's prediction for every cell of a layout, by cell index (computed once per process).</summary>
    public static IReadOnlyList<CellOutcome> Predictions(MatrixLayout layout) => PredictionCache.GetValue(layout, l =>
        [.. l.Cells.Select(c => DotNetOptionMapping.Predict(l, c))]);

    /// <summary>Another model's prediction for every cell (an older Linux kernel's); the newest model's comes from the cache.</summary>
    public static IReadOnlyList<CellOutcome> Predictions(MatrixLayout layout, BindModel model) =>
        ReferenceEquals(model, BindModel.For(layout.Os)) ? Predictions(layout) : [.. layout.Cells.Select(c => DotNetOptionMapping.Predict(model, layout, c))];

    /// <summary>The layout's cells by their TSV key (the nine columns before the outcome).</summary>
    public static IReadOnlyDictionary<string, MatrixCell> CellsByKey(MatrixLayout layout) => KeyCache.GetValue(layout, l =>
        l.Cells.ToDictionary(c => MatrixTsv.Key(l.Layer, c.A, c.B), StringComparer.Ordinal));

    /// <summary>How many cells of each protocol pair have each outcome.</summary>
    public static IReadOnlyDictionary<(Transport A, Transport B), IReadOnlyDictionary<string, int>> CountByPair(
        IEnumerable<(MatrixCell Cell, string Outcome)> cells) =>
        cells.GroupBy(c => (c.Cell.A.Transport, c.Cell.B.Transport))
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyDictionary<string, int>)g.GroupBy(c => c.Outcome, StringComparer.Ordinal).ToDictionary(o => o.Key, o => o.Count(), StringComparer.Ordinal));

    /// <summary>Every cell of a layout with the model's prediction.</summary>
    public static IEnumerable<(MatrixCell Cell, string Outcome)> Predicted(MatrixLayout layout)
    {
        var predicted = Predictions(layout);
        return layout.Cells.Select(c => (c, predicted[c.Index].Code));
    }

    /// <summary>Outcomes in the order the docs list them: ok, then the refusals of B, then those of A, each alphabetically.</summary>
    public static IEnumerable<string> Ordered(IEnumerable<string> outcomes) => outcomes
        .Distinct(StringComparer.Ordinal)
        .OrderBy(o => o == "ok" ? 0 : o.StartsWith("first:", StringComparison.Ordinal) ? 2 : 1)
        .ThenBy(o => o, StringComparer.Ordinal);

    /// <summary>A row's cell as one line: "tcp 0.0.0.0 REUSEADDR listening → udp [::] - bound".</summary>
    public static string Describe(MatrixRow row) =>
        $"{MatrixRun.Describe(row.Layer, row.A)} → {MatrixRun.Describe(row.Layer, row.B)}";
}
