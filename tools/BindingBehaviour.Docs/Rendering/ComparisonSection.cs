using BindingBehaviour.Matrix;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// The comparisons section of docs/matrix.md: the exports of each layer between OSes (with <see cref="MatrixComparison"/>),
/// and each OS's managed export against its native one, paired through .NET's option mapping.
/// </summary>
internal static class ComparisonSection
{
    public const string LayersAnchor = "native-versus-managed";

    /// <summary>How many differing cells a table lists; the counts above it cover them all.</summary>
    public const int FirstCells = 50;

    public static void Render(Markdown page, MatrixResults matrix)
    {
        page.Heading(2, "Comparisons")
            .Heading(3, "Between OSes")
            .Paragraph("Every export lists its cells in the same order, so two runs' exports compare with `diff`, for instance "
                + "`diff results/matrix/linux-6.18.44-native.tsv results/matrix/windows-10.0.26100.0-native.tsv`. Below every run's "
                + "export of a layer is compared cell by cell (`MatrixComparison`), each run a column: a cell differs when at least "
                + "two exports hold it and their outcomes are not all equal. "
                + "A cell only one export holds (an option only that OS has, such as `REUSEPORT` or `EXCLUSIVEADDRUSE`, or an "
                + "address another machine could not bind) is counted apart.");

        foreach (var layer in MatrixResults.Layers)
        {
            page.Heading(4, MatrixLabels.LayerHeading(layer));
            RenderOses(page, matrix, layer);
        }

        page.Line(Markdown.Anchor(LayersAnchor)).Line();
        page.Heading(3, "Native versus managed")
            .Paragraph("The two layers' exports do not share a vocabulary: a native row names the options the kernel gets "
                + "(`REUSEADDR`, `REUSEPORT`, `V6ONLY`), a managed row what the C# sets (`ReuseAddress`, `ExclusiveAddressUse`, "
                + "`DualMode`), so `diff` cannot pair their rows. They pair through "
                + $"{Markdown.Link(".NET's option mapping", RulesPage.FileName + Markdown.Fragment(RulesPage.DotNetAnchor))}: each "
                + "managed cell is compared with the native cell whose sockets carry the options .NET really sets. On Linux, for "
                + "instance, a TCP socket without any option is a `REUSEADDR` socket natively, and an IPv6 socket without "
                + "`DualMode` is a `V6ONLY` one; so several managed cells can pair with one native cell.");

        var any = false;
        foreach (var run in matrix.RunNames)
        {
            if (matrix.CompareLayers(run) is { } comparison)
            {
                any = true;
                RenderLayers(page, comparison);
            }
        }

        if (!any)
        {
            page.Paragraph("No run has both a native and a managed export yet, so there is nothing to pair.");
        }
    }

    private static void RenderOses(Markdown page, MatrixResults matrix, Layer layer)
    {
        var exports = matrix.OfLayer(layer);
        if (exports.Count == 0)
        {
            page.Paragraph($"No OS has a {MatrixLabels.LayerWord(layer)} export yet.");
            return;
        }

        if (exports.Select(e => e.Os).Distinct().Count() < 2 || matrix.CompareOses(layer) is not { } comparison)
        {
            var others = MergedResults.AllOs.Where(os => os != exports[0].Os).Select(Labels.OsName);
            page.Paragraph($"Only {Labels.OsName(exports[0].Os)} has a {MatrixLabels.LayerWord(layer)} export, so there is nothing "
                + $"to compare it with: a comparison needs another OS's export ({string.Join(" or ", others)}). Run "
                + $"`{MatrixLabels.ExportCommand(layer)}` on that OS, copy the TSV, its four drawings and its environment file into "
                + $"`results/matrix/`, and render again: `{MatrixLabels.DocsCommand}`."
                + (layer == Layer.Native
                    ? " The CI workflow runs this export on Linux, Windows and macOS and uploads it in each OS's `results-<OS>` artifact, under `results/matrix/`."
                    : ""));
            return;
        }

        var names = exports.Select(e => Markdown.Code(e.RunName)).ToList();
        var unshared = string.Join(", ", exports.Select((e, i) => $"{names[i]} {MatrixLabels.Number(comparison.UnsharedCells[i])}"));
        page.Paragraph($"Compared: {string.Join(", ", names)}. {MatrixLabels.Number(comparison.SharedCells)} cells are in at least two "
            + $"exports, and {MatrixLabels.Counted(comparison.Differences.Count, "of them differs", "of them differ")}. Cells only one export holds: {unshared}.");

        var shared = SharedByPair(exports);
        page.Table(
            ["Pair", "Cells in two exports or more", "Differ"],
            MatrixLayout.ProtocolPairs.Select(pair => (IReadOnlyList<string>)
            [
                MatrixLabels.Pair(pair),
                MatrixLabels.Number(shared.GetValueOrDefault(pair)),
                MatrixLabels.Number(comparison.Differences.Count(d => (d.Cell.A.Transport, d.Cell.B.Transport) == pair)),
            ]));

        if (comparison.Differences.Count == 0)
        {
            page.Paragraph("Every cell they share answers the same on each of them.");
            return;
        }

        var patterns = comparison.Differences
            .Select((d, i) => (Difference: d, Index: i))
            .GroupBy(d => (d.Difference.Cell.A.Transport, d.Difference.Cell.B.Transport, string.Join("\t", d.Difference.Outcomes.Select(o => o ?? ""))))
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.First().Index);
        page.Paragraph("How they differ, by protocol pair and outcomes, most cells first:")
            .Table(
                ["Pair", .. names, "Cells"],
                patterns.Select(g => (IReadOnlyList<string>)
                [
                    MatrixLabels.Pair((g.Key.Item1, g.Key.Item2)),
                    .. g.First().Difference.Outcomes.Select(MatrixLabels.Outcome),
                    MatrixLabels.Number(g.Count()),
                ]));

        page.Paragraph(comparison.Differences.Count <= FirstCells
                ? "Every differing cell, in the order of the exports:"
                : $"The first {FirstCells} of the {MatrixLabels.Number(comparison.Differences.Count)} differing cells, in the order of the exports (`diff` lists them all):")
            .Table(
                ["Socket A", "Socket B", .. names],
                comparison.Differences.Take(FirstCells).Select(d => (IReadOnlyList<string>)
                [
                    MatrixLabels.Config(layer, d.Cell.A),
                    MatrixLabels.Config(layer, d.Cell.B),
                    .. d.Outcomes.Select(MatrixLabels.Outcome),
                ]));
    }

    /// <summary>Per protocol pair, how many cells at least two of the exports hold.</summary>
    private static Dictionary<(Native.Transport, Native.Transport), int> SharedByPair(IReadOnlyList<LoadedMatrix> exports) =>
        exports.SelectMany(e => e.Rows)
            .GroupBy(r => r.Key, StringComparer.Ordinal)
            .Where(g => g.Count() >= 2)
            .GroupBy(g => (g.First().A.Transport, g.First().B.Transport))
            .ToDictionary(g => g.Key, g => g.Count());

    private static void RenderLayers(Markdown page, LayerComparison comparison)
    {
        var unpaired = comparison.ManagedCells - comparison.Paired;
        var text = $"**{Labels.OsName(comparison.Os)}**, run {Markdown.Code(comparison.RunName)}: {MatrixLabels.Number(comparison.ManagedCells)} cells in "
            + $"{MatrixLabels.TsvLink(comparison.Managed)}; {MatrixLabels.Number(comparison.Paired)} pair with a cell of {MatrixLabels.TsvLink(comparison.Native)}"
            + (unpaired > 0 ? $" ({MatrixLabels.Number(unpaired)} do not: their native cell was not run)" : "")
            + (comparison.Differences.Count == 0
                ? $", and all {MatrixLabels.Number(comparison.Paired)} answer the same on both layers."
                : $"; {MatrixLabels.Number(comparison.Same)} answer the same on both layers, and {MatrixLabels.Counted(comparison.Differences.Count, "differs", "differ")}: .NET does something there that its option mapping does not say.");
        page.Paragraph(text);
        if (comparison.Differences.Count == 0)
        {
            return;
        }

        page.Paragraph(comparison.Differences.Count <= FirstCells
                ? "Every cell that differs:"
                : $"The first {FirstCells} of the {MatrixLabels.Number(comparison.Differences.Count)} cells that differ, in the managed export's order:")
            .Table(
                ["Managed cell", "Native cell", "Managed", "Native"],
                comparison.Differences.Take(FirstCells).Select(d => (IReadOnlyList<string>)
                [
                    $"{MatrixLabels.Config(Layer.Managed, d.Managed.A)} → {MatrixLabels.Config(Layer.Managed, d.Managed.B)}",
                    $"{MatrixLabels.Config(Layer.Native, d.Native.A)} → {MatrixLabels.Config(Layer.Native, d.Native.B)}",
                    Markdown.Code(d.ManagedOutcome),
                    Markdown.Code(d.NativeOutcome),
                ]));
    }
}
