using System.Text.RegularExpressions;

namespace BindingBehaviour.Results;

/// <summary>
/// The name of a run: <c>&lt;os&gt;-&lt;kernel release or OS version&gt;</c>, plus an optional qualifier for a variant of one
/// kernel (<c>linux-6.1.176</c>, <c>linux-5.10.46-noipv6</c>, <c>windows-10.0.26100</c>, <c>macos-15.5</c>). The run's
/// results file is <c>results/runs/&lt;name&gt;.json</c> and its matrix exports <c>results/matrix/&lt;name&gt;-&lt;layer&gt;.tsv</c>.
/// </summary>
public static partial class RunName
{
    /// <summary>Set this to tell two runs of one kernel apart (for instance <c>noipv6</c>); letters, digits and dots.</summary>
    public const string QualifierVariable = "BINDINGBEHAVIOUR_RUN_QUALIFIER";

    public static string Of(RunInfo run, string? qualifier = null) =>
        Of(Enum.Parse<Os>(run.Os), run.Kernel, qualifier ?? Environment.GetEnvironmentVariable(QualifierVariable));

    public static string Of(Os os, string release, string? qualifier)
    {
        var name = $"{OsWord(os)}-{Safe().Replace(release.Trim(), "_")}";
        if (string.IsNullOrEmpty(qualifier))
        {
            return name;
        }

        return QualifierPattern().IsMatch(qualifier)
            ? $"{name}-{qualifier}"
            : throw new ArgumentException($"{QualifierVariable}=\"{qualifier}\": a qualifier is lower-case letters, digits and dots.");
    }

    /// <summary>The word for an OS in file names: <c>linux</c>, <c>windows</c>, <c>macos</c>.</summary>
    public static string OsWord(Os os) => os switch
    {
        Os.Linux => "linux",
        Os.Windows => "windows",
        _ => "macos",
    };

    [GeneratedRegex("[^A-Za-z0-9._+-]")]
    private static partial Regex Safe();

    [GeneratedRegex("^[a-z0-9.]+$")]
    private static partial Regex QualifierPattern();
}
