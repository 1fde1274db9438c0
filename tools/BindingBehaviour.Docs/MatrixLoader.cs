using System.Globalization;
using System.Text.RegularExpressions;
using BindingBehaviour.Matrix;

namespace BindingBehaviour.Docs;

/// <summary>
/// Reads the matrix exports in &lt;results&gt;/matrix, strictly, before anything is written. Every *.tsv directly inside
/// the folder must be named &lt;os&gt;-&lt;layer&gt;.tsv with the words the probe writes (os: linux, windows or macos;
/// layer: native or managed), parse with <see cref="MatrixTsv"/>, hold only cells of that OS's and layer's
/// <see cref="MatrixLayout"/>, each once and in the layout's order, and come with its four drawings exactly as
/// <see cref="MatrixSvg"/> draws them from it (the docs embed them). Its &lt;os&gt;-&lt;layer&gt;.environment.txt is
/// optional; when present it must name the same OS and count the same cells. The folder itself is optional; other files
/// in it (the README, a JSON file) are not read. Any problem is a <see cref="DocsException"/> naming the file.
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
        var (os, layer) = ParseName(path, fileName);
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
        CheckDrawings(directory, fileName, layout, rows, again);
        var machine = ReadMachine(directory, fileName, layout, rows.Count);
        return new LoadedMatrix(path, layout, rows, cells, machine);
    }

    /// <summary>The OS and layer a file name stands for: exactly <see cref="MatrixTsv.FileName"/> of one of them.</summary>
    private static (Os Os, Layer Layer) ParseName(string path, string fileName)
    {
        foreach (var os in Enum.GetValues<Os>())
        {
            foreach (var layer in Enum.GetValues<Layer>())
            {
                if (string.Equals(fileName, MatrixTsv.FileName(os, layer), StringComparison.Ordinal))
                {
                    return (os, layer);
                }
            }
        }

        var words = string.Join(", ", Enum.GetValues<Os>().Select(MatrixTsv.OsWord));
        throw new DocsException(
            $"{path}: is not named <os>-<layer>.tsv with an OS the matrix knows ({words}) and a layer (native, managed), so it is no matrix export.");
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

    /// <summary>The four drawings beside an export must be what <see cref="MatrixSvg"/> draws from it, byte for byte.</summary>
    private static void CheckDrawings(string directory, string fileName, MatrixLayout layout, IReadOnlyList<MatrixRow> rows, string again)
    {
        foreach (var (a, b) in MatrixLayout.ProtocolPairs)
        {
            var path = Path.Join(directory, MatrixSvg.FileName(layout.Os, layout.Layer, a, b));
            if (!File.Exists(path))
            {
                throw new DocsException($"{path}: is missing; the docs show the drawings of {fileName} beside it; {again}");
            }

            var drawing = MatrixSvg.Draw(rows, a, b, MatrixExport.Title(layout, a, b));
            if (!string.Equals(File.ReadAllText(path), drawing, StringComparison.Ordinal))
            {
                throw new DocsException($"{path}: is not the drawing of {fileName} (stale, or edited by hand); {again}");
            }
        }
    }

    /// <summary>The machine an export was made on, from its environment file, or null when there is none.</summary>
    private static MatrixMachine? ReadMachine(string directory, string fileName, MatrixLayout layout, int rows)
    {
        var name = MatrixExport.EnvironmentFileName(layout.Os, layout.Layer);
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
