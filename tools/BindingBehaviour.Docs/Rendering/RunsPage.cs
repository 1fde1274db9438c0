using System.Globalization;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>docs/runs.md: every run behind the docs, with its environment, how it ran, its commit and what it observed.</summary>
internal static class RunsPage
{
    public const string FileName = "runs.md";

    public static string Render(MergedResults results, MatrixResults matrix)
    {
        var page = new Markdown()
            .Line(Labels.GeneratedNotice)
            .Line()
            .Heading(1, "The runs")
            .Paragraph($"{Markdown.Link("← all topics", IndexPage.FileName)} · a run is one execution of the claims somewhere: this "
                + "machine, a user-mode Linux kernel, a network namespace, a CI runner, a user's laptop. Each has one file under "
                + "`results/runs/` (named `<os>-<kernel or OS version>[-qualifier]`) with its environment and its observations, "
                + "each observation with the hash of the claim body that ran. An observation whose body has changed since is "
                + "**stale**: shown, never counted.");

        if (results.Runs.Count == 0)
        {
            page.Paragraph("No run has been recorded yet: every cell of these docs shows what the sources expect. Record one with "
                + $"`{DocsGenerator.RefreshCommand}`.");
        }
        else
        {
            page.Table(
                ["Run", "OS", "How", "Kernel", ".NET runtime", "Date", "Observations", "File"],
                results.Runs.Select(run => (IReadOnlyList<string>)
                [
                    Markdown.Link(run.Name, Markdown.Fragment(run.Name)),
                    Labels.OsName(run.Os),
                    Markdown.Text(Labels.How(run)),
                    Markdown.Text(run.Info.Kernel),
                    Markdown.Text(run.Info.Runtime),
                    Markdown.Text(run.Info.Date),
                    Counts(results, run),
                    Markdown.Code("results/" + run.RelativePath),
                ]));
        }

        foreach (var os in MergedResults.AllOs.Where(os => results.RunsOf(os).Count == 0))
        {
            page.Line($"- {Labels.OsName(os)}: no run yet; its cells show attestations and expectations only.");
        }

        page.Line();
        foreach (var run in results.Runs)
        {
            RenderRun(page, results, matrix, run);
        }

        return page.ToString();
    }

    /// <summary>"170 observations: 150 observed, 20 skipped; 3 stale; 1 of a claim no longer defined".</summary>
    public static string Counts(MergedResults results, LoadedRun run)
    {
        var observations = run.File.Observations;
        var observed = observations.Count(o => o.Status == Results.Observation.Observed);
        var text = $"{N(observations.Count)}: {N(observed)} observed, {N(observations.Count - observed)} skipped";
        if (results.Stale(run) is var stale and > 0)
        {
            text += $"; {N(stale)} stale (the claim changed since)";
        }

        if (results.Undefined(run) is var undefined and > 0)
        {
            text += $"; {N(undefined)} of claims no longer defined";
        }

        return text;
    }

    private static void RenderRun(Markdown page, MergedResults results, MatrixResults matrix, LoadedRun run)
    {
        var info = run.Info;
        var settings = info.Settings.Count == 0
            ? "none recorded"
            : string.Join("\n", info.Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{Markdown.Code(s.Key)} = {Markdown.Code(s.Value)}"));
        var exports = matrix.Exports.Where(e => e.RunName == run.Name).Select(MatrixLabels.TsvLink).ToList();
        page.Line(Markdown.Anchor(run.Name)).Line()
            .Heading(2, Markdown.Code(run.Name))
            .Table(
                ["Field", "Value"],
                [
                    ["OS", $"{Labels.OsName(run.Os)}: {Markdown.Text(info.OsDescription)} ({Markdown.Text(info.OsVersion)})"],
                    ["Kernel", Markdown.Text(info.Kernel)],
                    ["How it ran", Markdown.Text(Labels.How(run))],
                    ["Commit", info.Commit is { } commit ? Markdown.Code(commit) : "not recorded (results schema 1)"],
                    [".NET runtime", Markdown.Text(info.Runtime)],
                    ["Date", Markdown.Text(info.Date)],
                    ["User", Markdown.Text(info.User)],
                    ["IPv6", info.IPv6 switch { true => "available", false => "not available", null => "not recorded (results schema 1)" }],
                    ["Settings", settings],
                    ["Observations", Counts(results, run)],
                    ["Matrix exports", exports.Count == 0 ? "none" : string.Join(", ", exports)],
                    ["File", Markdown.Code("results/" + run.RelativePath) + $" (results schema {run.File.SchemaVersion.ToString(CultureInfo.InvariantCulture)})"],
                ]);
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
