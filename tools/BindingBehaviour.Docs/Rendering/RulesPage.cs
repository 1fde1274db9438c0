using System.Text;
using BindingBehaviour.Matrix;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// docs/rules.md: each OS's bind rules in prose with their sources (the models' descriptions), each model against the
/// export of its OS cell by cell with every disagreement, the Linux model and export against the kernel's selftest table,
/// and .NET's option mapping. Also renders docs/disagreements/&lt;os&gt;-&lt;layer&gt;.tsv, every disagreement of an export.
/// </summary>
internal static class RulesPage
{
    public const string FileName = "rules.md";

    public const string DotNetAnchor = "dotnet-mapping";

    public const string SelftestAnchor = "kernel-selftest";

    /// <summary>How many disagreements the page lists per export; the TSV beside it holds them all.</summary>
    public const int FirstDisagreements = 100;

    private const string SelftestLink = "https://github.com/torvalds/linux/blob/master/tools/testing/selftests/net/bind_wildcard.c";

    public static string DisagreementsPath(LoadedMatrix export) =>
        $"disagreements/{export.RunName}-{MatrixLabels.LayerWord(export.Layer)}.tsv";

    /// <summary>Every export's disagreements with its model as TSV (the export's columns, then the prediction); none when they agree.</summary>
    public static IEnumerable<(string Path, string Content)> DisagreementFiles(MatrixResults matrix)
    {
        foreach (var export in matrix.Exports.Where(e => e.Disagreements.Count > 0))
        {
            var text = new StringBuilder(MatrixTsv.Header).Append("\tpredicted\n");
            foreach (var d in export.Disagreements)
            {
                text.Append(MatrixTsv.Key(export.Layer, d.Cell.A, d.Cell.B)).Append('\t').Append(d.Observed).Append('\t').Append(d.Predicted).Append('\n');
            }

            yield return (DisagreementsPath(export), text.ToString());
        }
    }

    public static string Render(MergedResults results, MatrixResults matrix)
    {
        var page = new Markdown()
            .Line(Labels.GeneratedNotice)
            .Line()
            .Heading(1, "The rules behind the matrix")
            .Paragraph($"{Markdown.Link("← all topics", IndexPage.FileName)} · {Markdown.Link("the exhaustive matrix", MatrixPage.FileName)}")
            .Paragraph(
                "Each OS's bind-conflict rules are written down as a small model (`src/BindingBehaviour/Matrix/*BindModel.cs`) that "
                + "predicts every cell of the matrix: the native layer directly, the managed layer after "
                + $"{Markdown.Link(".NET's option mapping", Markdown.Fragment(DotNetAnchor))}. Below, each OS's rules in prose with the "
                + "sources they cite, then the model against that OS's export, cell by cell, with every disagreement. An OS without "
                + $"an export has only its model: an expectation ({MatrixLabels.Expected}), not an observation.");

        var selftest = Selftest(matrix);
        RenderSummary(page, matrix, selftest);
        foreach (var os in MergedResults.AllOs)
        {
            RenderOs(page, results, matrix, selftest, os);
        }

        page.Line(Markdown.Anchor(DotNetAnchor)).Line()
            .Heading(2, "What .NET adds")
            .Paragraph(DotNetOptionMapping.Description)
            .Paragraph("Checked against the observations where an OS has both exports: "
                + $"{Markdown.Link("native versus managed", MatrixPage.FileName + Markdown.Fragment(ComparisonSection.LayersAnchor))}.");
        return page.ToString();
    }

    private static void RenderSummary(Markdown page, MatrixResults matrix, List<SelftestCheck> selftest)
    {
        page.Heading(2, "Summary")
            .Table(
                ["OS", "Model", .. MatrixResults.Layers.Select(MatrixLabels.LayerHeading)],
                MergedResults.AllOs.Select(os => (IReadOnlyList<string>)
                [
                    Labels.OsName(os),
                    MatrixLabels.ModelLink(BindModel.For(os)),
                    .. MatrixResults.Layers.Select(layer => matrix.Of(os, layer) is { Count: > 0 } exports
                        ? string.Join("\n", exports.Select(e => $"{Markdown.Code(e.RunName)}: {Verdict(e, os, layer)}"))
                        : Verdict(null, os, layer)),
                ]));

        page.Paragraph($"The Linux model against the kernel's own selftest table ({Markdown.Link("bind_wildcard.c", SelftestLink)}): "
            + $"{SelftestCounts(selftest)}. Details under {Markdown.Link("the kernel's selftest", Markdown.Fragment(SelftestAnchor))}.");
    }

    private static string Verdict(LoadedMatrix? export, Os os, Layer layer) => export switch
    {
        null => $"{MatrixLabels.Expected} not observed: no `{MatrixLabels.TsvFile(os, layer)}`, the model is the expectation only",
        { Disagreements.Count: 0 } => $"✅ all {MatrixLabels.Number(export.Rows.Count)} observed cells agree",
        _ => $"❌ {MatrixLabels.Number(export.Agreeing)} of {MatrixLabels.Number(export.Rows.Count)} observed cells agree, "
            + MatrixLabels.Counted(export.Disagreements.Count, "disagrees", "disagree"),
    };

    private static void RenderOs(Markdown page, MergedResults results, MatrixResults matrix, List<SelftestCheck> selftest, Os os)
    {
        var model = BindModel.For(os);
        page.Heading(2, Labels.OsName(os))
            .Heading(3, "The rules")
            .Paragraph($"Model: {Markdown.Text(model.Title)} ({MatrixLabels.ModelLink(model)}).")
            .Paragraph(model.Description)
            .Heading(3, $"{Labels.OsName(os)}: the model against the observation");

        foreach (var layer in MatrixResults.Layers)
        {
            page.Heading(4, MatrixLabels.LayerHeading(layer));
            var exports = matrix.Of(os, layer);
            if (exports.Count == 0)
            {
                RenderCheck(page, results, null, os, layer);
            }

            foreach (var export in exports)
            {
                RenderCheck(page, results, export, os, layer);
            }
        }

        if (os == Os.Linux)
        {
            RenderSelftest(page, selftest);
            RenderKernels(page);
        }
    }

    public const string KernelsAnchor = "linux-kernels";

    /// <summary>
    /// Which cells older Linux kernels answer differently, and why: each <see cref="LinuxBindModel.KernelChanges"/> entry
    /// with the kernels it was observed on, the kernel change behind it, and the cells of each layer it changes (the model
    /// of that kernel against the newest rules). The observations are the per-kernel exports (tools/kernels/sweep).
    /// </summary>
    private static void RenderKernels(Markdown page)
    {
        page.Line(Markdown.Anchor(KernelsAnchor)).Line()
            .Heading(3, "Linux, kernel by kernel")
            .Paragraph("`tools/kernels/sweep` runs the matrices and the claims on Debian's user-mode Linux kernels (5.10, 6.1, 6.12 "
                + "and the newest) and on the host, and commits each kernel's exports as `results/matrix/linux-<release>-<layer>.tsv`. "
                + "The model of a kernel (`LinuxBindModel.For(release)`) is the rules above plus the differences below that apply "
                + "to it; every cell of every committed kernel export agrees with the model of its kernel (`KernelExportTests`). "
                + (LinuxBindModel.KernelChanges.Count == 0 ? "No kernel answers differently." : "Where kernels answer differently:"));
        foreach (var change in LinuxBindModel.KernelChanges)
        {
            var model = LinuxBindModel.For(change.ObservedOn);
            var counts = MatrixResults.Layers.Select(layer =>
            {
                var layout = MatrixLayout.For(Os.Linux, layer);
                var changed = layout.Cells.Count(c => DotNetOptionMapping.Predict(model, layout, c) != DotNetOptionMapping.Predict(LinuxBindModel.Instance, layout, c));
                return $"{MatrixLabels.Counted(changed, "cell", "cells")} of {MatrixLabels.Number(layout.Cells.Count)} {MatrixLabels.LayerWord(layer)}";
            });
            page.Heading(4, Markdown.Text(change.Id))
                .Table(
                    ["", "kernel change"],
                    [
                        ["What differs", change.Difference],
                        ["Kernels", change.Kernels],
                        ["Cells it changes", string.Join("; ", counts)],
                        ["Why", change.Cause],
                    ]);
        }
    }

    private static void RenderCheck(Markdown page, MergedResults results, LoadedMatrix? export, Os os, Layer layer)
    {
        if (export is null)
        {
            page.Paragraph($"{MatrixLabels.Expected} Not observed: there is no `{MatrixLabels.TsvFile(os, layer)}`, so the model's "
                + $"prediction for the {MatrixLabels.Number(MatrixLayout.For(os, layer).Cells.Count)} cells of this layer is an "
                + $"expectation only. Running `{MatrixLabels.ExportCommand(layer)}` on {Labels.OsName(os)} observes them.");
            return;
        }

        var notRun = export.NotRun > 0
            ? $" The layout's {MatrixLabels.Number(export.NotRun)} other cells were not run on that machine (missing capability) and are not counted."
            : "";
        var observedBy = $"Observed by: {MatrixLabels.Machine(export, results)}.";
        if (export.Disagreements.Count == 0)
        {
            page.Paragraph($"✅ All {MatrixLabels.Number(export.Rows.Count)} cells of {MatrixLabels.TsvLink(export)} agree with the model: "
                + $"no disagreement.{notRun} {observedBy}");
            return;
        }

        var path = DisagreementsPath(export);
        page.Paragraph($"❌ {MatrixLabels.Number(export.Agreeing)} of {MatrixLabels.Number(export.Rows.Count)} cells of "
                + $"{MatrixLabels.TsvLink(export)} agree with the model; {MatrixLabels.Counted(export.Disagreements.Count, "disagrees", "disagree")}: "
                + $"there the model or its sources are wrong, or that machine's OS version behaves otherwise.{notRun} {observedBy} Every disagreement is in "
                + $"{Markdown.Link(path, path)} (the export's columns, then the prediction).")
            .Table(
                ["Pair", "Predicted", "Observed", "Cells"],
                export.Disagreements
                    .Select((d, i) => (Disagreement: d, Index: i))
                    .GroupBy(d => (d.Disagreement.Cell.A.Transport, d.Disagreement.Cell.B.Transport, d.Disagreement.Predicted, d.Disagreement.Observed))
                    .OrderByDescending(g => g.Count())
                    .ThenBy(g => g.First().Index)
                    .Select(g => (IReadOnlyList<string>)
                    [
                        MatrixLabels.Pair((g.Key.Item1, g.Key.Item2)),
                        Markdown.Code(g.Key.Predicted),
                        Markdown.Code(g.Key.Observed),
                        MatrixLabels.Number(g.Count()),
                    ]))
            .Paragraph(export.Disagreements.Count <= FirstDisagreements
                ? "Every disagreement, in the export's order:"
                : $"The first {FirstDisagreements} of the {MatrixLabels.Number(export.Disagreements.Count)} disagreements, in the export's order (all of them are in {Markdown.Link(path, path)}):")
            .Table(
                ["Socket A", "Socket B", "Predicted", "Observed"],
                export.Disagreements.Take(FirstDisagreements).Select(d => (IReadOnlyList<string>)
                [
                    MatrixLabels.Config(layer, d.Cell.A),
                    MatrixLabels.Config(layer, d.Cell.B),
                    Markdown.Code(d.Predicted),
                    Markdown.Code(d.Observed),
                ]));
    }

    /// <summary>One check of the selftest: a row under one of its tests, the model's prediction and the observation if any.</summary>
    private sealed record SelftestCheck(SelftestRow Row, string Test, string Expected, string Predicted, IReadOnlyList<(string Run, string Outcome)> Observed);

    private static List<SelftestCheck> Selftest(MatrixResults matrix)
    {
        var exports = matrix.Of(Os.Linux, Layer.Native);
        var layout = MatrixLayout.For(Os.Linux, Layer.Native);
        var checks = new List<SelftestCheck>();
        foreach (var check in KernelSelftestTable.Cases)
        {
            var cell = layout.Find(check.Cell.A, check.Cell.B);
            checks.Add(new SelftestCheck(
                check.Row,
                check.Test,
                check.Expected.Code,
                LinuxBindModel.Instance.Predict(check.First, check.Second).Code,
                cell is { } c
                    ? [.. exports.Select(e => (e.RunName, Outcome: e.OutcomeOf(c))).Where(x => x.Outcome is not null).Select(x => (x.RunName, x.Outcome!))]
                    : []));
        }

        return checks;
    }

    private static string SelftestCounts(List<SelftestCheck> checks)
    {
        var total = MatrixLabels.Number(checks.Count);
        var model = $"the model agrees with {MatrixLabels.Number(checks.Count(c => c.Predicted == c.Expected))} of its {total} checks";
        var observed = checks.Where(c => c.Observed.Count > 0).ToList();
        if (observed.Count == 0)
        {
            return $"{model}; no Linux native export holds them, so none is observed";
        }

        var text = $"{model}; the Linux native exports (every run) agree with {MatrixLabels.Number(observed.Count(c => c.Observed.All(o => o.Outcome == c.Expected)))} of {total}";
        return observed.Count < checks.Count
            ? $"{text} ({MatrixLabels.Number(checks.Count - observed.Count)} are not in it: not run on that machine)"
            : text;
    }

    private static void RenderSelftest(Markdown page, List<SelftestCheck> checks)
    {
        var counts = SelftestCounts(checks);
        page.Line(Markdown.Anchor(SelftestAnchor)).Line()
            .Heading(3, "The kernel's selftest")
            .Paragraph($"The kernel tests these rules itself: {Markdown.Link("tools/testing/selftests/net/bind_wildcard.c", SelftestLink)} "
                + $"binds two TCP sockets to one port, without listening, for {KernelSelftestTable.Rows.Count} pairs of addresses, "
                + "with no option, with SO_REUSEADDR on both and with SO_REUSEPORT on both; `KernelSelftestTable` transcribes the "
                + "expected answers. Each check is a cell of the Linux native matrix, "
                + "`tcp <address 0> <option> bound → tcp <address 1> <option> bound`, with IPV6_V6ONLY set as the variant says "
                + "(0 otherwise, so `net.ipv6.bindv6only` does not matter).")
            .Paragraph(char.ToUpperInvariant(counts[0]) + counts[1..] + ".")
            .Table(
                ["Variant", "Socket 0", "Socket 1", .. KernelSelftestTable.Tests.Select(t => t.Test)],
                checks.GroupBy(c => c.Row).Select(g => (IReadOnlyList<string>)
                [
                    Markdown.Code(g.Key.Name),
                    Socket(g.Key.Address0, g.Key.V6Only0),
                    Socket(g.Key.Address1, g.Key.V6Only1),
                    .. g.Select(Check),
                ]));
    }

    private static string Socket(System.Net.IPAddress address, bool v6Only)
    {
        var text = Markdown.Code(MatrixAddress.All.Single(a => a.Address.Equals(address)).Text);
        return v6Only ? text + " V6ONLY" : text;
    }

    /// <summary>The selftest's answer, then whether the model and the observation give it.</summary>
    private static string Check(SelftestCheck check)
    {
        var model = check.Predicted == check.Expected ? "model ✅" : $"model ❌ {Markdown.Code(check.Predicted)}";
        var observed = check.Observed.Count == 0 ? $"Linux {MatrixLabels.Expected} not observed"
            : check.Observed.All(o => o.Outcome == check.Expected) ? "Linux ✅"
            : "Linux ❌ " + string.Join(", ", check.Observed.Where(o => o.Outcome != check.Expected).Select(o => $"{Markdown.Code(o.Outcome)} ({o.Run})"));
        return $"{Markdown.Code(check.Expected)}: {model}, {observed}";
    }
}
