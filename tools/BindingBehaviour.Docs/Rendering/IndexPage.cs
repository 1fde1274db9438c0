using System.Globalization;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// docs/README.md: what this is, the runs behind it, a legend, a summary per topic, the exhaustive matrix and its rules,
/// and the at-a-glance grid.
/// </summary>
internal static class IndexPage
{
    public const string FileName = "README.md";

    public static string Render(MergedResults results, MatrixResults matrix)
    {
        var page = new Markdown()
            .Line(Labels.GeneratedNotice)
            .Line()
            .Heading(1, "BindingBehaviour: may this socket bind where that one already is?")
            .Paragraph(
                "An executable atlas of when two sockets may bind the same port. Every claim below is a test that runs against "
                + "the real operating system, states what it expects on Linux, Windows and macOS (each with a source), and "
                + "records what it saw, on two layers: the native OS call, and the C# a user writes. These pages are generated "
                + "from the recorded results (one file per OS under `results/`) and never edited by hand; to run the tests on "
                + $"your machine and regenerate them: `{DocsGenerator.RefreshCommand}`.");

        page.Paragraph(AnswerPages.IndexLinks);
        RenderRuns(page, results);
        RenderLegend(page);
        RenderSummary(page, results);
        RenderMatrix(page, matrix);
        RenderGrid(page, results);
        return page.ToString();
    }

    private static void RenderRuns(Markdown page, MergedResults results)
    {
        page.Heading(2, "Runs").Table(
            ["OS", "Observed by", "Kernel", ".NET runtime", "Date", "User", "Settings"],
            MergedResults.AllOs.Select(os => results.RunOf(os) is { } run
                ? (IReadOnlyList<string>)
                [
                    Labels.OsName(os),
                    $"{Markdown.Text(run.Info.OsDescription)} (`{run.FileName}`)",
                    Markdown.Text(run.Info.Kernel),
                    Markdown.Text(run.Info.Runtime),
                    Markdown.Text(run.Info.Date),
                    Markdown.Text(run.Info.User),
                    Settings(run.Info.Settings),
                ]
                : [Labels.OsName(os), "no run yet — cells show expectations only", "", "", "", "", ""]));
    }

    private static string Settings(IReadOnlyDictionary<string, string> settings) =>
        settings.Count == 0
            ? "none recorded"
            : string.Join("\n", settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{Markdown.Code(s.Key)} = {Markdown.Code(s.Value)}"));

    private static void RenderLegend(Markdown page)
    {
        page.Heading(2, "Legend");
        foreach (var verdict in Enum.GetValues<Verdict>())
        {
            page.Line($"- {Labels.VerdictText(verdict)}: " + verdict switch
            {
                Verdict.Holds => "a run of this OS observed it, and the expectation accepts what it saw.",
                Verdict.Differs => "a run of this OS observed something the expectation does not accept; the claim's page shows both.",
                Verdict.Skipped => "the run's machine lacks a capability the claim needs; the reason is on the claim's page.",
                Verdict.ExpectedOnly => "no run of this OS observed it; the cell shows what the sources expect.",
                _ => "the claim does not apply to this OS.",
            });
        }

        page.Line("- Outcome codes: `ok`, or the step that was refused and its `SocketError`, such as `bind:AddressAlreadyInUse`.")
            .Line($"- {Labels.LayerTitle(nameof(Layer.Native))}; {Labels.LayerTitle(nameof(Layer.Managed))} (with the options .NET adds).")
            .Line();
    }

    private static void RenderSummary(Markdown page, MergedResults results)
    {
        page.Heading(2, "Topics").Table(
            ["#", "Topic", "Claims", .. MergedResults.AllOs.Select(Labels.OsName)],
            results.Topics.Select(topic => (IReadOnlyList<string>)
            [
                topic.Order.ToString(CultureInfo.InvariantCulture),
                Markdown.Link(topic.Title, TopicPage.PathOf(topic)),
                results.ClaimsOf(topic).Count.ToString(CultureInfo.InvariantCulture),
                .. MergedResults.AllOs.Select(os => Summary(results, topic, os)),
            ]));

        var empty = Topic.All.Where(t => !results.Topics.Contains(t)).OrderBy(t => t.Order).ToList();
        if (empty.Count > 0)
        {
            page.Paragraph("Topics without claims yet: " + string.Join(", ", empty.Select(t => $"{t.Order.ToString(CultureInfo.InvariantCulture)}. {t.Title}")) + ".");
        }

        page.Paragraph($"And the question behind topic {Topic.TcpAndUdp.Order.ToString(CultureInfo.InvariantCulture)}: {Markdown.Link("why can a TCP socket and a UDP socket share a port?", WhyPage.FileName)}");
    }

    /// <summary>"k of n hold" over the observed cells of a topic on one OS, with how many differ and how many were skipped.</summary>
    private static string Summary(MergedResults results, Topic topic, Os os)
    {
        if (results.RunOf(os) is null)
        {
            return "◻ expected only";
        }

        var cells = results.CellsOf(topic, os).ToList();
        int Count(Verdict verdict) => cells.Count(c => c.Verdict == verdict);
        var holds = Count(Verdict.Holds);
        var differs = Count(Verdict.Differs);
        var text = $"✅ {holds} of {holds + differs} hold, ❌ {differs} {(differs == 1 ? "differs" : "differ")}, ⏭ {Count(Verdict.Skipped)} skipped";
        if (Count(Verdict.NotApplicable) is var notApplicable and > 0)
        {
            text += $", — {notApplicable} n/a";
        }

        // A run without an observation of a claim (a file assembled by hand): said, never counted as observed.
        if (Count(Verdict.ExpectedOnly) is var unrecorded and > 0)
        {
            text += $", ◻ {unrecorded} not recorded";
        }

        return text;
    }

    private static void RenderMatrix(Markdown page, MatrixResults matrix)
    {
        var exports = matrix.Exports.Select(e =>
            $"{Labels.OsName(e.Os)} {MatrixLabels.LayerWord(e.Layer)} ({MatrixLabels.Number(e.Rows.Count)} cells, "
            + (e.Disagreements.Count == 0
                ? "all agree with the model)"
                : $"{MatrixLabels.Counted(e.Disagreements.Count, "disagrees", "disagree")} with the model)")).ToList();
        var without = MergedResults.AllOs.Where(os => matrix.Exports.All(e => e.Os != os)).Select(Labels.OsName).ToList();
        var observed = exports.Count == 0 ? "No OS has an export yet" : "Observed: " + string.Join("; ", exports);
        var expected = without.Count == 0 ? "" : $"; {MatrixLabels.List(without)}: no export, the model's prediction only ({MatrixLabels.Expected})";
        page.Heading(2, "The exhaustive matrix")
            .Paragraph("Beyond the claims, every combination of protocol, address, options and state, on both layers: "
                + $"{Markdown.Link("the exhaustive pairwise matrix", MatrixPage.FileName)}, drawn per protocol pair and compared "
                + $"between OSes, and {Markdown.Link("the rules behind it", RulesPage.FileName)}, each OS's model in prose with its "
                + $"sources and checked cell by cell against that OS's export. {observed}{expected}.");
    }

    private static void RenderGrid(Markdown page, MergedResults results)
    {
        page.Heading(2, "At a glance")
            .Paragraph("Each claim on each layer; a cell shows the observed outcome and its verdict, or the expected outcome (◻) where no run observed it.");
        foreach (var topic in results.Topics)
        {
            page.Heading(3, Markdown.Link($"{topic.Order.ToString(CultureInfo.InvariantCulture)}. {topic.Title}", TopicPage.PathOf(topic)))
                .Table(
                    ["Claim", "Layer", .. MergedResults.AllOs.Select(Labels.OsName)],
                    results.ClaimsOf(topic).SelectMany(claim => MergedResults.Layers(claim).Select(variant => (IReadOnlyList<string>)
                    [
                        Markdown.Link(claim.Sentence, TopicPage.LinkFromRoot(claim)),
                        variant.Layer,
                        .. MergedResults.AllOs.Select(os => Labels.GridCell(results.CellOf(claim, variant, os))),
                    ])));
        }
    }
}
