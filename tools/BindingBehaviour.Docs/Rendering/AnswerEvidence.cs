using System.Net.Sockets;
using System.Text.RegularExpressions;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>A claim on one layer, with its cell on every OS (in column order).</summary>
internal sealed record ClaimRow(ClaimDefinition Claim, ClaimVariant Variant, IReadOnlyList<Cell> Cells);

/// <summary>An error message an OS gave in a run: which run, the native code, the message.</summary>
internal sealed record ObservedMessage(string RunFile, int Code, string Message);

/// <summary>
/// The seam between the answer pages (recipes, error index) and the results model: every question those pages ask of
/// the merged results (a claim's status per OS, the refusals it produced, the messages a run recorded) goes through here,
/// so a change of the model changes this file and not the pages.
/// </summary>
internal static partial class AnswerEvidence
{
    public static IReadOnlyList<Os> AllOs => MergedResults.AllOs;

    public static IReadOnlyList<ClaimDefinition> Claims(MergedResults results) => results.Claims;

    public static ClaimDefinition? Find(MergedResults results, string id) => results.Find(id);

    /// <summary>A claim's rows, native layer first.</summary>
    public static IReadOnlyList<ClaimRow> Rows(MergedResults results, ClaimDefinition claim) =>
    [
        .. MergedResults.Layers(claim).Select(v => new ClaimRow(claim, v, [.. AllOs.Select(os => results.CellOf(claim, v, os))])),
    ];

    /// <summary>The link to a claim on its topic page, from the docs root.</summary>
    public static string Link(ClaimDefinition claim) => TopicPage.LinkFromRoot(claim);

    /// <summary>The status of a cell in words and an icon: the observed outcome and its verdict, or the expectation, graded.</summary>
    public static string Status(Cell cell) => cell.Verdict switch
    {
        Verdict.Holds => $"{Markdown.Code(cell.Observation!.Outcome ?? "")} ✅ observed",
        Verdict.Differs => $"{Markdown.Code(cell.Observation!.Outcome ?? "")} ❌ observed, expected {string.Join(" or ", cell.Expected.Accepted.Select(Markdown.Code))}",
        Verdict.Skipped => "⏭ skipped by the run",
        Verdict.ExpectedOnly => $"{string.Join(" or ", cell.Expected.Accepted.Select(Markdown.Code))} ◻ expected",
        _ => "— n/a",
    };

    /// <summary>The refusals (step and error) written in a text: an outcome code, or a value that holds codes ("599: bind:AccessDenied; 600: ok").</summary>
    public static IReadOnlyList<(Step Step, SocketError Error)> Refusals(string? text) =>
        text is null
            ? []
            : [.. CodePattern().Matches(text).Select(m => Outcome.ParseCode(m.Value)).OfType<(Step, SocketError)>().Distinct()];

    /// <summary>Every refusal a cell's expectation names (any alternative) and, where a run observed it, that the observation holds.</summary>
    public static IEnumerable<(Step Step, SocketError Error)> RefusalsIn(Cell cell) =>
        cell.Expected.Accepted.SelectMany(a => Refusals(a)).Concat(Observed(cell) is { } observed ? Refusals(observed) : []);

    /// <summary>The outcome a run observed in this cell, or null (no run, not recorded, skipped).</summary>
    public static string? Observed(Cell cell) =>
        cell.Observation is { Status: Observation.Observed } observation ? observation.Outcome : null;

    /// <summary>How one cell stands towards one error: produced (observed or expected), not produced, skipped, n/a.</summary>
    public static string ErrorStatus(Cell cell, SocketError error)
    {
        static string Codes(IEnumerable<(Step Step, SocketError Error)> refusals) =>
            string.Join(", ", refusals.Select(r => Markdown.Code(Outcome.FormatCode(r.Step, r.Error))));

        switch (cell.Verdict)
        {
            case Verdict.NotApplicable:
                return "— n/a";
            case Verdict.Skipped:
                return "⏭ skipped by the run";
            case Verdict.ExpectedOnly:
                var expected = cell.Expected.Accepted.SelectMany(a => Refusals(a)).Where(r => r.Error == error).Distinct().ToList();
                if (expected.Count == 0)
                {
                    return "— not expected";
                }

                return cell.Expected.IsUncertain ? $"{Codes(expected)} ◻ expected, one of the alternatives" : $"{Codes(expected)} ◻ expected";
            default:
                var observed = Refusals(Observed(cell)).Where(r => r.Error == error).ToList();
                var icon = cell.Verdict == Verdict.Holds ? "✅" : "❌";
                return observed.Count > 0
                    ? $"{Codes(observed)} {icon} observed"
                    : cell.Verdict == Verdict.Holds ? "— not produced (observed)" : $"{icon} not produced (observed {Markdown.Code(Observed(cell) ?? "")}), though expected";
        }
    }

    /// <summary>The messages the runs of one OS recorded for an error, distinct, in a fixed order.</summary>
    public static IReadOnlyList<ObservedMessage> Messages(MergedResults results, SocketError error, Os os)
    {
        if (results.RunOf(os) is not { } run)
        {
            return [];
        }

        return
        [
            .. results.Claims
                .SelectMany(c => c.Variants.Select(v => run.Find(c.Id, v.Layer)))
                .OfType<Observation>()
                .Where(o => o.Status == Observation.Observed && o.NativeCode is not null && !string.IsNullOrWhiteSpace(o.Message)
                    && o.Outcome is not null && Outcome.ParseCode(o.Outcome) is { } code && code.Error == error)
                .Select(o => new ObservedMessage(run.FileName, o.NativeCode!.Value, o.Message!.Trim()))
                .Distinct()
                .OrderBy(m => m.Code).ThenBy(m => m.Message, StringComparer.Ordinal),
        ];
    }

    [GeneratedRegex(@"(?<![A-Za-z])[a-z]+:[A-Za-z]+")]
    private static partial Regex CodePattern();
}
