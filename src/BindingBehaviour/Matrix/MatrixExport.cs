using System.Text;
using BindingBehaviour.Results;

namespace BindingBehaviour.Matrix;

/// <summary>
/// Writes a matrix run as committed under results/matrix/, named after the run (<see cref="RunName"/>, the same name as
/// the claims run's file): <c>&lt;run&gt;-&lt;layer&gt;.tsv</c>, one drawing per protocol pair
/// (<c>&lt;run&gt;-&lt;layer&gt;-tcp-udp.svg</c> ...) and <c>&lt;run&gt;-&lt;layer&gt;.environment.txt</c>, which says what the
/// machine was (kernel, runtime, missing capabilities) so that a later run on another machine can tell an environment
/// difference from a change in behaviour. Regenerate with
/// <c>dotnet run -c Release --project tools/BindingBehaviour.Probe -- matrix --layer native --out results/matrix</c>.
/// </summary>
public static class MatrixExport
{
    public const string Command = "dotnet run -c Release --project tools/BindingBehaviour.Probe -- matrix --layer {0} --out results/matrix";

    /// <summary>The name of this machine's run: <see cref="RunName.Of(RunInfo, string?)"/>, with the qualifier of <see cref="RunName.QualifierVariable"/>.</summary>
    public static string ThisRunName() => RunName.Of(RunEnvironment.Capture(DateTime.UnixEpoch));

    public static IReadOnlyList<string> Write(MatrixRun run, string directory)
    {
        Directory.CreateDirectory(directory);
        var layout = run.Layout;
        var name = ThisRunName();
        var tsv = MatrixTsv.Export(run);
        var written = new List<string>();
        var tsvPath = Path.Combine(directory, MatrixTsv.FileName(name, layout.Layer));
        File.WriteAllText(tsvPath, tsv, new UTF8Encoding(false));
        written.Add(tsvPath);

        var rows = MatrixTsv.Parse(tsv);
        foreach (var (a, b) in MatrixLayout.ProtocolPairs)
        {
            var path = Path.Combine(directory, MatrixSvg.FileName(name, layout.Layer, a, b));
            File.WriteAllText(path, MatrixSvg.Draw(rows, a, b, Title(layout, a, b)), new UTF8Encoding(false));
            written.Add(path);
        }

        var environmentPath = Path.Combine(directory, EnvironmentFileName(name, layout.Layer));
        File.WriteAllText(environmentPath, Environment(run), new UTF8Encoding(false));
        written.Add(environmentPath);
        return written;
    }

    public static string EnvironmentFileName(string runName, Layer layer) =>
        $"{runName}-{MatrixWords.Layer(layer)}.environment.txt";

    public static string Title(MatrixLayout layout, Native.Transport a, Native.Transport b) =>
        $"{layout.Os} {MatrixWords.Layer(layout.Layer)} layer: {MatrixWords.Proto(a)} socket A, then {MatrixWords.Proto(b)} socket B on A's port";

    /// <summary>The facts of this machine that decide the matrix, one "key: value" per line; no dates, so reruns compare equal.</summary>
    public static string Environment(MatrixRun run)
    {
        var info = RunEnvironment.Capture(DateTime.UnixEpoch);
        var text = new StringBuilder();
        text.Append("os: ").Append(info.Os).Append('\n');
        text.Append("kernel: ").Append(info.Kernel).Append('\n');
        text.Append("runtime: ").Append(info.Runtime).Append('\n');
        if (RunEnvironment.ReadSysctl("net.ipv6.bindv6only") is { } v6only)
        {
            text.Append("net.ipv6.bindv6only: ").Append(v6only).Append(" (the native layer sets IPV6_V6ONLY explicitly, so it does not matter)\n");
        }

        text.Append("missing: ").Append(run.Capabilities.Missing.Count == 0 ? "nothing" : string.Join("; ", run.Capabilities.Missing.Keys)).Append('\n');
        text.Append("cells: ").Append(run.CellsRun).Append(" run, ").Append(run.Layout.Cells.Count - run.CellsRun).Append(" skipped\n");
        text.Append("command: ").Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, Command, MatrixWords.Layer(run.Layout.Layer))).Append('\n');
        return text.ToString();
    }

    /// <summary>Reads an environment file back into its keys and values.</summary>
    public static IReadOnlyDictionary<string, string> ReadEnvironment(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
}
