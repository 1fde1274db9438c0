using System.Net.Sockets;
using System.Text.RegularExpressions;
using BindingBehaviour.Results;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>A claim on one layer, with its cell on every OS (in column order).</summary>
internal sealed record ClaimRow(ClaimDefinition Claim, ClaimVariant Variant, IReadOnlyList<Cell> Cells);

/// <summary>An error message an OS gave in a run: which run, the native code, the message.</summary>
internal sealed record ObservedMessage(string RunName, int Code, string Message);


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

    /// <summary>The status of a cell in words and an icon: the observed outcome(s) and the verdict, or the expectation, graded.</summary>
    public static string Status(Cell cell) => cell.Verdict switch
    {
        Verdict.Holds => $"{Outcomes(cell)} ✅ observed" + Stale(cell),
        Verdict.Differs => $"{Outcomes(cell)} ❌ observed, expected {Alternatives(cell)}" + Stale(cell),
        Verdict.Skipped => "⏭ skipped by the run" + Stale(cell),
        Verdict.Attested => $"{Alternatives(cell)} ☑ attested, not observed" + Stale(cell),
        Verdict.ExpectedOnly => $"{Alternatives(cell)} ◻ expected" + Stale(cell),
        _ => "— n/a",
    };

    private static string Alternatives(Cell cell) => string.Join(" or ", cell.Expected.Accepted.Select(Markdown.Code));

    /// <summary>The distinct outcomes the current runs of the cell's OS observed (several runs may disagree).</summary>
    private static string Outcomes(Cell cell) =>
        string.Join(" / ", cell.Current.Where(o => o.Observation.Status == Observation.Observed)
            .Select(o => o.Observation.Outcome ?? "").Distinct(StringComparer.Ordinal).Select(Markdown.Code));

    /// <summary>Stale observations (made by an older body of the claim) are said, never counted.</summary>
    private static string Stale(Cell cell) =>
        cell.StaleObservations.Count == 0 ? "" : $" (stale: {string.Join(", ", cell.StaleObservations.Select(o => Markdown.Code(o.Run.Name)))})";

    /// <summary>The refusals (step and error) written in a text: an outcome code, or a value that holds codes ("599: bind:AccessDenied; 600: ok").</summary>
    public static IReadOnlyList<(Step Step, SocketError Error)> Refusals(string? text) =>
        text is null
            ? []
            : [.. CodePattern().Matches(text).Select(m => Outcome.ParseCode(m.Value)).OfType<(Step, SocketError)>().Distinct()];

    /// <summary>Every refusal a cell's expectation names (any alternative) and, where a run observed it, that the observation holds.</summary>
    public static IEnumerable<(Step Step, SocketError Error)> RefusalsIn(Cell cell) =>
        cell.Expected.Accepted.SelectMany(a => Refusals(a)).Concat(Observed(cell) is { } observed ? Refusals(observed) : []);

    /// <summary>The outcomes the current runs observed in this cell, joined (none: no run, not recorded, skipped).</summary>
    public static string? Observed(Cell cell)
    {
        var outcomes = cell.Current.Where(o => o.Observation.Status == Observation.Observed).Select(o => o.Observation.Outcome ?? "").ToList();
        return outcomes.Count == 0 ? null : string.Join(" ", outcomes);
    }

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
            case Verdict.ExpectedOnly or Verdict.Attested:
                var grade = cell.Verdict == Verdict.Attested ? "☑ attested, not observed" : "◻ expected";
                var expected = cell.Expected.Accepted.SelectMany(a => Refusals(a)).Where(r => r.Error == error).Distinct().ToList();
                if (expected.Count == 0)
                {
                    return "— not expected";
                }

                return cell.Expected.IsUncertain ? $"{Codes(expected)} {grade}, one of the alternatives" : $"{Codes(expected)} {grade}";
            default:
                var observed = Refusals(Observed(cell)).Where(r => r.Error == error).ToList();
                var icon = cell.Verdict == Verdict.Holds ? "✅" : "❌";
                return observed.Count > 0
                    ? $"{Codes(observed)} {icon} observed"
                    : cell.Verdict == Verdict.Holds ? "— not produced (observed)" : $"{icon} not produced (observed {Markdown.Code(Observed(cell) ?? "")}), though expected";
        }
    }

    /// <summary>The messages the current runs of one OS recorded for an error, distinct, in a fixed order.</summary>
    public static IReadOnlyList<ObservedMessage> Messages(MergedResults results, SocketError error, Os os) =>
    [
        .. results.Claims
            .SelectMany(c => c.Variants.SelectMany(v => results.CellOf(c, v, os).Current))
            .Where(o => o.Observation is { Status: Observation.Observed, NativeCode: not null, Outcome: { } outcome }
                && !string.IsNullOrWhiteSpace(o.Observation.Message)
                && Outcome.ParseCode(outcome) is { } code && code.Error == error)
            .Select(o => new ObservedMessage(o.Run.Name, o.Observation.NativeCode!.Value, o.Observation.Message!.Trim()))
            .Distinct()
            .OrderBy(m => m.Code).ThenBy(m => m.Message, StringComparer.Ordinal).ThenBy(m => m.RunName, StringComparer.Ordinal),
    ];

    [GeneratedRegex(@"(?<![A-Za-z])[a-z]+:[A-Za-z]+")]
    private static partial Regex CodePattern();
}
