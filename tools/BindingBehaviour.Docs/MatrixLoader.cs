using System.Globalization;
using System.Text.RegularExpressions;
using BindingBehaviour.Matrix;

namespace BindingBehaviour.Docs;

/// <summary>
/// Reads the matrix exports in &lt;results&gt;/matrix, strictly, before anything is written. Every *.tsv directly inside
/// the folder must be named &lt;run&gt;-&lt;layer&gt;.tsv, the run named as <see cref="Results.RunName"/> names it
/// (&lt;os&gt;-&lt;release&gt;[-qualifier], os: linux, windows or macos; layer: native or managed), parse with
/// <see cref="MatrixTsv"/>, and hold only cells of that OS's and layer's <see cref="MatrixLayout"/>, each once and in the
/// layout's order. Its four drawings are optional (a run of another kernel need not carry 300 kB of pictures); those that
/// are there must be exactly what <see cref="MatrixSvg"/> draws from it, and the docs show them. Its
/// &lt;run&gt;-&lt;layer&gt;.environment.txt is optional; when present it must name the same OS and count the same cells.
/// The folder itself is optional; other files in it (the README, a JSON file) are not read. Any problem is a
/// <see cref="DocsException"/> naming the file.
/// </summary>
internal static partial class MatrixLoader
{
    public const string Folder = "matrix";

    public static MatrixResults Load(string resultsDirectory)
    {
        var directory = Path.Join(resultsDirectory, Folder);
        if (!Directory.Exists(directory))
        {
            return MatrixResults.None;
        }

        var exports = Directory.GetFiles(directory, "*.tsv", SearchOption.TopDirectoryOnly)
            .Where(p => string.Equals(Path.GetExtension(p), ".tsv", StringComparison.Ordinal))
            .OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal)
            .Select(p => Read(directory, Path.GetFileName(p)))
            .ToList();
        return new MatrixResults(exports, folderExists: true);
    }

    private static LoadedMatrix Read(string directory, string fileName)
    {
        var path = Path.Join(directory, fileName);
        var (runName, os, layer) = ParseName(path, fileName);
        var layout = MatrixLayout.For(os, layer);
        var command = string.Format(CultureInfo.InvariantCulture, MatrixExport.Command, MatrixWords.Layer(layer));
        var again = $"export it again on {Rendering.Labels.OsName(os)} with: {command}";

        IReadOnlyList<MatrixRow> rows;
        try
        {
            rows = MatrixTsv.Parse(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new DocsException($"{path}: {e.Message}; {again}");
        }

        if (rows.Count == 0)
        {
            throw new DocsException($"{path}: holds no cells; {again}");
        }

        var cells = CellsOf(path, layout, rows);
        var drawn = CheckDrawings(directory, fileName, runName, layout, rows, again);
        var machine = ReadMachine(directory, fileName, runName, layout, rows.Count);
        return new LoadedMatrix(path, runName, layout, rows, cells, machine, drawn);
    }

    /// <summary>The run, OS and layer a file name stands for: exactly <see cref="MatrixTsv.FileName"/> of a run name and a layer.</summary>
    private static (string RunName, Os Os, Layer Layer) ParseName(string path, string fileName)
    {
        foreach (var layer in Enum.GetValues<Layer>())
        {
            var suffix = MatrixTsv.FileName("", layer);
            if (!fileName.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var runName = fileName[..^suffix.Length];
            foreach (var os in Enum.GetValues<Os>())
            {
                var prefix = MatrixTsv.OsWord(os) + "-";
                if (runName.StartsWith(prefix, StringComparison.Ordinal) && runName.Length > prefix.Length)
                {
                    return (runName, os, layer);
                }
            }
        }

        var words = string.Join(", ", Enum.GetValues<Os>().Select(MatrixTsv.OsWord));
        throw new DocsException(
            $"{path}: is not named <run>-<layer>.tsv, with a run name <os>-<release>[-qualifier] ({words}) and a layer (native, managed), "
            + "so it is no matrix export; an export from before runs were named (<os>-<layer>.tsv) takes the name of its run: "
            + "rename it, its drawings and its environment file to <os>-<kernel release>-<layer>.*.");
    }

    /// <summary>Each row's cell in the layout; a row that is no cell of it, or out of the layout's order, is an error.</summary>
    private static MatrixCell[] CellsOf(string path, MatrixLayout layout, IReadOnlyList<MatrixRow> rows)
    {
        var byKey = MatrixFacts.CellsByKey(layout);
        var cells = new MatrixCell[rows.Count];
        var previous = -1;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var line = (i + 2).ToString(CultureInfo.InvariantCulture);
            if (row.Layer != layout.Layer)
            {
                throw new DocsException(
                    $"{path}: line {line}: a {MatrixWords.Layer(row.Layer)} row in a {MatrixWords.Layer(layout.Layer)} export.");
            }

            if (!byKey.TryGetValue(row.Key, out var cell))
            {
                throw new DocsException(
                    $"{path}: line {line}: \"{MatrixFacts.Describe(row)}\" is not a cell of the {Rendering.Labels.OsName(layout.Os)} {MatrixWords.Layer(layout.Layer)} matrix (MatrixLayout has no such configuration on that OS).");
            }

            if (cell.Index <= previous)
            {
                throw new DocsException(
                    $"{path}: line {line}: \"{MatrixFacts.Describe(row)}\" is repeated or out of order; an export lists each cell once, in MatrixLayout's order.");
            }

            cells[i] = cell;
            previous = cell.Index;
        }

        return cells;
    }

    /// <summary>The drawings beside an export, each exactly what <see cref="MatrixSvg"/> draws from it; returns whether all four are there.</summary>
    private static bool CheckDrawings(string directory, string fileName, string runName, MatrixLayout layout, IReadOnlyList<MatrixRow> rows, string again)
    {
        var present = 0;
        foreach (var (a, b) in MatrixLayout.ProtocolPairs)
        {
            var path = Path.Join(directory, MatrixSvg.FileName(runName, layout.Layer, a, b));
            if (!File.Exists(path))
            {
                continue;
            }

            present++;
            var drawing = MatrixSvg.Draw(rows, a, b, MatrixExport.Title(layout, a, b));
            if (!string.Equals(File.ReadAllText(path), drawing, StringComparison.Ordinal))
            {
                throw new DocsException($"{path}: is not the drawing of {fileName} (stale, or edited by hand); {again}");
            }
        }

        if (present is > 0 and < 4)
        {
            throw new DocsException(
                $"{Path.Join(directory, fileName)}: has {present} of its 4 drawings; keep all four ({runName}-<layer>-<a>-<b>.svg) or none; {again}");
        }

        return present == 4;
    }

    /// <summary>The machine an export was made on, from its environment file, or null when there is none.</summary>
    private static MatrixMachine? ReadMachine(string directory, string fileName, string runName, MatrixLayout layout, int rows)
    {
        var name = MatrixExport.EnvironmentFileName(runName, layout.Layer);
        var path = Path.Join(directory, name);
        if (!File.Exists(path))
        {
            return null;
        }

        IReadOnlyDictionary<string, string> values;
        try
        {
            values = MatrixExport.ReadEnvironment(File.ReadAllText(path));
        }
        catch (ArgumentException)
        {
            throw new DocsException($"{path}: names a key twice; it holds one \"key: value\" per line.");
        }

        string Value(string key) => values.TryGetValue(key, out var value) && value.Trim().Length > 0
            ? value.Trim()
            : throw new DocsException($"{path}: has no \"{key}: \" line; the probe writes os, kernel, runtime, missing and cells.");

        if (Value("os") != layout.Os.ToString())
        {
            throw new DocsException($"{path}: says the OS is \"{Value("os")}\", but {fileName} is a {layout.Os} export.");
        }

        if (CellsLine().Match(Value("cells")) is not { Success: true } match
            || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var run)
            || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var skipped))
        {
            throw new DocsException($"{path}: the cells line \"{Value("cells")}\" is not \"N run, M skipped\".");
        }

        if (run != rows || run + skipped != layout.Cells.Count)
        {
            throw new DocsException(
                $"{path}: counts {run} cells run and {skipped} skipped, but {fileName} holds {rows} of the layout's {layout.Cells.Count}; they are not from the same export.");
        }

        return new MatrixMachine(name, Value("kernel"), Value("runtime"), Value("missing"));
    }

    [GeneratedRegex(@"^([0-9]+) run, ([0-9]+) skipped$")]
    private static partial Regex CellsLine();
}
