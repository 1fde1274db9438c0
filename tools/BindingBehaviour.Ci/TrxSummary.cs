using System.Globalization;
using System.Xml.Linq;

namespace BindingBehaviour.Ci;

/// <summary>A TRX file's result counters (vstest's ResultSummary/Counters), read as typed values.</summary>
public sealed record TrxCounters(int Total, int Executed, int Passed, int Failed, int Error, int Timeout, int Aborted, int NotExecuted)
{
    /// <summary>Every way a test can fail to pass counts as failed.</summary>
    public int AllFailed => Failed + Error + Timeout + Aborted;

    /// <summary>vstest counts a skipped test in total but not in executed, and not always in notExecuted.</summary>
    public int Skipped => Math.Max(NotExecuted, Total - Executed);

    /// <summary>The counters of a TRX file, or null when it has none (a run that did not finish writing).</summary>
    public static TrxCounters? Read(string path)
    {
        var counters = XDocument.Load(path).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null)
        {
            return null;
        }

        int Count(string name) => int.Parse(counters.Attribute(name)?.Value ?? "0", CultureInfo.InvariantCulture);
        return new TrxCounters(Count("total"), Count("executed"), Count("passed"), Count("failed"), Count("error"), Count("timeout"), Count("aborted"), Count("notExecuted"));
    }
}

/// <summary>
/// <c>summary DIR</c>: "N passed, N failed, N skipped" summed over the TRX files below DIR, always exit 0 (.ci/run's last
/// line, the sum over every run). <c>summary DIR LABEL</c>: "LABEL: N passed, N failed, N skipped", exit 1 unless the run
/// holds: at least one TRX, at least one test passed and none failed (a run that never wrote its TRX is a failure).
/// </summary>
public static class TrxSummary
{
    public static int Run(string folder, string? label)
    {
        int passed = 0, failed = 0, skipped = 0, reports = 0;
        var files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.trx", SearchOption.AllDirectories) : [];
        foreach (var counters in files.Select(TrxCounters.Read).OfType<TrxCounters>())
        {
            reports++;
            passed += counters.Passed;
            failed += counters.AllFailed;
            skipped += counters.Skipped;
        }

        var line = $"{passed} passed, {failed} failed, {skipped} skipped";
        if (label is null)
        {
            Console.WriteLine(line);
            return 0;
        }

        Console.WriteLine($"{label}: {line}" + (reports > 0 ? "" : $" (no TRX in {folder.TrimEnd('/')}: the run did not finish)"));
        return reports > 0 && passed > 0 && failed == 0 ? 0 : 1;
    }
}
