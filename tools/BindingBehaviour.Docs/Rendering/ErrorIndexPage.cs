using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// docs/errors.md: every error a claim expects or a run observed, with its name and message per OS (observed, or
/// documented and labelled so), the claims that produce it and their status per OS, and what to check first.
/// </summary>
internal static partial class ErrorIndexPage
{
    public const string FileName = "errors.md";

    /// <summary>The anchor of an error's section: its SocketError name in lower-case words ("address-already-in-use").</summary>
    public static string AnchorOf(SocketError error) => WordStart().Replace(error.ToString(), "-$1").ToLowerInvariant();

    /// <summary>The errors the claims produce (expected on some OS, or observed), common ones first.</summary>
    public static IReadOnlyList<SocketError> Errors(MergedResults results) =>
    [
        .. AllRows(results).SelectMany(r => r.Cells.SelectMany(AnswerEvidence.RefusalsIn)).Select(r => r.Error).Distinct()
            .OrderBy(e => ErrorAdvice.Order.Contains(e) ? ErrorAdvice.Order.ToList().IndexOf(e) : int.MaxValue)
            .ThenBy(e => e.ToString(), StringComparer.Ordinal),
    ];

    public static string Render(MergedResults results, LoadedRecipes recipes)
    {
        var errors = Errors(results);
        var page = new Markdown()
            .Line(Labels.GeneratedNotice)
            .Line()
            .Heading(1, "Error index: what a refused bind or listen means")
            .Paragraph($"{Markdown.Link("← all topics", IndexPage.FileName)} · {Markdown.Link("recipes", RecipesPage.FileName)}")
            .Paragraph("Every error that a claim of this atlas expects on some OS or that a run observed, found in the claims' "
                + "expectations and observations. For each: its name and message per OS, **observed** (by which run) where a run "
                + "of that OS recorded it and otherwise **documented, not observed** (what the OS documents, never shown as seen); "
                + "what to check first; and every claim that produces it, with its status per OS: ✅ observed by a run (❌ where "
                + "that contradicts the claim's expectation), ◻ expected only, ⏭ skipped by the run, — n/a.");

        page.Heading(2, "At a glance").Table(
            ["Error", .. AnswerEvidence.AllOs.Select(Labels.OsName), "Refused at", "Claims"],
            errors.Select(error => (IReadOnlyList<string>)
            [
                Markdown.Link($"{error}: {ErrorAdvice.Phrase(error)}", Markdown.Fragment(AnchorOf(error))),
                .. AnswerEvidence.AllOs.Select(os => Glance(results, error, os)),
                string.Join(", ", Steps(results, error).Select(s => s.ToString().ToLowerInvariant())),
                ClaimsWith(results, error).Select(r => r.Claim.Id).Distinct().Count().ToString(CultureInfo.InvariantCulture),
            ]));

        foreach (var error in errors)
        {
            RenderError(page, results, recipes, error);
        }

        return page.ToString();
    }

    private static void RenderError(Markdown page, MergedResults results, LoadedRecipes recipes, SocketError error)
    {
        page.Line(Markdown.Anchor(AnchorOf(error)))
            .Line()
            .Heading(2, $"{error}: {ErrorAdvice.Phrase(error)}")
            .Paragraph($"{Markdown.Code($"SocketError.{error}")} (its value, {((int)error).ToString(CultureInfo.InvariantCulture)}, is Winsock's number), refused at "
                + string.Join(", ", Steps(results, error).Select(s => Markdown.Code(s.ToString().ToLowerInvariant()))) + ".")
            .Heading(3, "What the OS says")
            .Table(["OS", "Name", "Code", "Message", "Evidence"], AnswerEvidence.AllOs.SelectMany(os => MessageRows(results, error, os)))
            .Paragraph($"Names: {ErrorAdvice.NamesSource}. Documented messages: {Markdown.Code("src/BindingBehaviour/DocumentedErrors.cs")}, "
                + "from the same headers with glibc's and macOS's strerror.");

        page.Heading(3, "What to check first");
        var checks = ErrorAdvice.ChecksFor(error);
        if (checks.Count == 0)
        {
            page.Paragraph("No advice is written for this error yet (tools/BindingBehaviour.Docs/Rendering/ErrorAdvice.cs).");
        }
        else
        {
            for (var i = 0; i < checks.Count; i++)
            {
                page.Line($"{(i + 1).ToString(CultureInfo.InvariantCulture)}. {Markdown.Text(checks[i].Text)} (source: {Markdown.Text(checks[i].Source)})");
            }

            page.Line();
        }

        // The recipes whose steps rest on a claim that produces this error: derived, never listed by hand.
        var producing = ClaimsWith(results, error).Select(r => r.Claim.Id).ToHashSet(StringComparer.Ordinal);
        var helping = recipes.Recipes.Where(r => r.Steps.Any(s => s.Claims.Any(producing.Contains))).OrderBy(r => r.Order).ToList();
        if (helping.Count > 0)
        {
            page.Paragraph("Recipes that rest on claims producing it: "
                + string.Join(", ", helping.Select(r => Markdown.Link(r.Title, RecipesPage.FileName + Markdown.Fragment(r.Id)))) + ".");
        }

        page.Heading(3, "Claims that produce it").Table(
            ["Claim", "Layer", .. AnswerEvidence.AllOs.Select(Labels.OsName)],
            ClaimsWith(results, error).Select(row => (IReadOnlyList<string>)
            [
                Markdown.Link(row.Claim.Sentence, AnswerEvidence.Link(row.Claim)),
                row.Variant.Layer,
                .. row.Cells.Select(cell => AnswerEvidence.ErrorStatus(cell, error)),
            ]));
    }

    private static IEnumerable<IReadOnlyList<string>> MessageRows(MergedResults results, SocketError error, Os os)
    {
        var name = Markdown.Code(ErrorAdvice.Name(error, os) ?? "?");
        var observed = AnswerEvidence.Messages(results, error, os);
        if (observed.Count > 0)
        {
            return observed.Select(m => (IReadOnlyList<string>)
            [
                Labels.OsName(os), name, m.Code.ToString(CultureInfo.InvariantCulture), Markdown.Text(m.Message), $"✅ observed (`{m.RunName}`)",
            ]);
        }

        return DocumentedErrors.For(os, error) is { } documented
            ? [[Labels.OsName(os), name, documented.Code.ToString(CultureInfo.InvariantCulture), Markdown.Text(documented.Message), "◻ documented, not observed"]]
            : [[Labels.OsName(os), name, "?", "not documented here", "—"]];
    }

    /// <summary>A summary cell: the name and the number, and whether a run observed that number.</summary>
    private static string Glance(MergedResults results, SocketError error, Os os)
    {
        var name = ErrorAdvice.Name(error, os) ?? "?";
        var observed = AnswerEvidence.Messages(results, error, os);
        if (observed.Count > 0)
        {
            return $"{name} {string.Join("/", observed.Select(m => m.Code).Distinct().Select(c => c.ToString(CultureInfo.InvariantCulture)))} ✅";
        }

        return DocumentedErrors.For(os, error) is { } documented
            ? $"{name} {documented.Code.ToString(CultureInfo.InvariantCulture)} ◻"
            : $"{name} ◻";
    }

    private static IEnumerable<ClaimRow> AllRows(MergedResults results) =>
        AnswerEvidence.Claims(results).SelectMany(c => AnswerEvidence.Rows(results, c));

    private static IReadOnlyList<ClaimRow> ClaimsWith(MergedResults results, SocketError error) =>
        [.. AllRows(results).Where(r => r.Cells.Any(c => AnswerEvidence.RefusalsIn(c).Any(x => x.Error == error)))];

    private static IReadOnlyList<Step> Steps(MergedResults results, SocketError error) =>
        [.. ClaimsWith(results, error).SelectMany(r => r.Cells.SelectMany(AnswerEvidence.RefusalsIn)).Where(x => x.Error == error)
            .Select(x => x.Step).Distinct().Order()];

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex WordStart();
}
