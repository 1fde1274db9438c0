using System.Globalization;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>docs/topics/NN-id.md: a topic's question, then every claim with its C#, expectations, sources and observations.</summary>
internal static class TopicPage
{
    /// <summary>A link target to a claim, from the docs root.</summary>
    public static string LinkFromRoot(ClaimDefinition claim) =>
        MergedResults.TopicOf(claim).PagePath + Markdown.Fragment(claim.Id);

    public static string Render(MergedResults results, Topic topic)
    {
        var page = new Markdown()
            .Line(Labels.GeneratedNotice)
            .Line()
            .Heading(1, $"{topic.Order.ToString(CultureInfo.InvariantCulture)}. {topic.Title}")
            .Paragraph("> " + topic.Question)
            .Paragraph($"{Markdown.Link("← all topics", "../README.md")} · each claim below is a test that ran against the real OS; "
                + "a cell is **observed** only where a run of that OS recorded it (each run named; a **stale** observation, made before the claim's code "
                + "changed, is shown and not counted), **attested** where a public test that runs on that OS asserts it, otherwise it shows the **expectation** and its source.");

        if (topic == Topic.TcpAndUdp)
        {
            page.Paragraph($"Why they never meet: {Markdown.Link("why a TCP and a UDP socket can share a port", "../" + WhyPage.FileName)}.");
        }

        page.Heading(2, "Runs behind this page");
        foreach (var os in MergedResults.AllOs)
        {
            var runs = results.RunsOf(os);
            page.Line(runs.Count == 0
                ? $"- {Labels.OsName(os)}: no run yet — its cells show attestations and expectations only"
                : $"- {Labels.OsName(os)}: " + string.Join("; ", runs.Select(r => $"{Labels.RunLink(r, "../")} ({Markdown.Text(r.Info.OsDescription)}, {Markdown.Text(Labels.How(r))}, {Markdown.Text(r.Info.Date)})")));
        }

        page.Line().Heading(2, "Claims");
        var claims = results.ClaimsOf(topic);
        foreach (var claim in claims)
        {
            page.Line("- " + Markdown.Link(claim.Sentence, Markdown.Fragment(claim.Id)));
        }

        page.Line();
        foreach (var claim in claims)
        {
            RenderClaim(page, results, claim);
        }

        return page.ToString();
    }

    private static void RenderClaim(Markdown page, MergedResults results, ClaimDefinition claim)
    {
        page.Line(Markdown.Anchor(claim.Id))
            .Line()
            .Heading(2, claim.Sentence)
            .Paragraph($"Claim id: {Markdown.Code(claim.Id)}");

        foreach (var variant in MergedResults.Layers(claim))
        {
            var file = variant.SourceFile.Replace('\\', '/');
            var line = variant.SourceLine.ToString(CultureInfo.InvariantCulture);
            page.Heading(3, Labels.LayerTitle(variant.Layer))
                .CodeBlock("csharp", variant.Code)
                .Paragraph($"Source: {Markdown.Link($"{file}, line {line}", $"../../{file}#L{line}")}")
                .Table(
                    ["OS", "Expected", "Source", "Observed", "Verdict"],
                    MergedResults.AllOs.Select(os => results.CellOf(claim, variant, os)).Select(cell => (IReadOnlyList<string>)
                    [
                        Labels.OsName(cell.Os),
                        Labels.Expected(cell.Expected),
                        cell.Expected.Source,
                        Labels.Observed(cell),
                        Labels.VerdictText(cell.Verdict),
                    ]));

            if (results.OtherAttestations(claim, variant) is { Count: > 0 } others)
            {
                page.Paragraph("Beyond these OSes: " + Labels.Attested(others).Replace("\n", "; ", StringComparison.Ordinal) + ".");
            }
        }
    }
}
