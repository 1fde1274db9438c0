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
                + "from the claim catalog and the recorded runs (`results/catalog.json`, one file per run under `results/runs/`) and never edited by hand; to run the tests on "
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
        page.Heading(2, "Runs")
            .Paragraph($"Every run behind these pages, with its environment: {Markdown.Link("the runs", RunsPage.FileName)}. "
                + "An OS with several runs (kernels, namespaces, runners) shows one answer where they agree and, where they differ, which run answered what.");
        if (results.Runs.Count > 0)
        {
            page.Table(
                ["Run", "OS", "How", "Kernel", ".NET runtime", "Date"],
                results.Runs.Select(run => (IReadOnlyList<string>)
                [
                    Labels.RunLink(run, ""),
                    Labels.OsName(run.Os),
                    Markdown.Text(Labels.How(run)),
                    Markdown.Text(run.Info.Kernel),
                    Markdown.Text(run.Info.Runtime),
                    Markdown.Text(run.Info.Date),
                ]));
        }

        var without = MergedResults.AllOs.Where(os => results.RunsOf(os).Count == 0).Select(Labels.OsName).ToList();
        if (without.Count > 0)
        {
            page.Paragraph($"No run yet on {MatrixLabels.List(without)}: those cells show attestations (☑) and expectations (◻) only.");
        }
    }

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
                Verdict.Attested => "no run of ours observed it, but a public test that runs on this OS asserts it; the claim's page links the test at its commit.",
                Verdict.ExpectedOnly => "no run of this OS observed it; the cell shows what the sources expect.",
                _ => "the claim does not apply to this OS.",
            });
        }

        page.Line("- Stale: an observation made before the claim's code changed (its body hash differs); shown on the claim's page, never counted.")
            .Line("- Outcome codes: `ok`, or the step that was refused and its `SocketError`, such as `bind:AddressAlreadyInUse`.")
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
                Markdown.Link(topic.Title, topic.PagePath),
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

    /// <summary>
    /// A topic on one OS, the three grades apart: observed (holds, differs, skipped, over the current observations of every
    /// run of that OS), attested, expected only; then n/a and stale.
    /// </summary>
    private static string Summary(MergedResults results, Topic topic, Os os)
    {
        var cells = results.CellsOf(topic, os).ToList();
        int Count(Verdict verdict) => cells.Count(c => c.Verdict == verdict);
        var holds = Count(Verdict.Holds);
        var differs = Count(Verdict.Differs);
        var parts = new List<string>();
        if (results.RunsOf(os).Count > 0)
        {
            parts.Add($"✅ {holds} of {holds + differs} hold, ❌ {differs} {(differs == 1 ? "differs" : "differ")}, ⏭ {Count(Verdict.Skipped)} skipped");
        }
        else
        {
            parts.Add("no run");
        }

        parts.Add($"☑ {Count(Verdict.Attested)} attested");
        parts.Add($"◻ {Count(Verdict.ExpectedOnly)} expected");
        if (Count(Verdict.NotApplicable) is var notApplicable and > 0)
        {
            parts.Add($"— {notApplicable} n/a");
        }

        if (cells.Sum(c => c.StaleObservations.Count) is var stale and > 0)
        {
            parts.Add($"{stale} stale, not counted");
        }

        return string.Join(" · ", parts);
    }

    private static void RenderMatrix(Markdown page, MatrixResults matrix)
    {
        var exports = matrix.Exports.Select(e =>
            $"{Markdown.Code(e.RunName)} {MatrixLabels.LayerWord(e.Layer)} ({MatrixLabels.Number(e.Rows.Count)} cells, "
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
            .Paragraph("Each claim on each layer; a cell shows the observed outcome and its verdict (and, where the runs of an OS differ, which run saw what), "
                + "or the attested (☑) or expected (◻) outcome where no run observed it.");
        foreach (var topic in results.Topics)
        {
            page.Heading(3, Markdown.Link($"{topic.Order.ToString(CultureInfo.InvariantCulture)}. {topic.Title}", topic.PagePath))
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
