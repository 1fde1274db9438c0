using BindingBehaviour.Matrix;

namespace BindingBehaviour.Docs;

/// <summary>One matrix export as read and validated: its rows, each row's cell of the layout, and the machine it ran on.</summary>
internal sealed class LoadedMatrix
{
    private readonly string?[] _outcomeByCell;
    private readonly Lazy<IReadOnlyList<Disagreement>> _disagreements;

    public LoadedMatrix(string path, string runName, MatrixLayout layout, IReadOnlyList<MatrixRow> rows, IReadOnlyList<MatrixCell> cells, MatrixMachine? machine, bool drawn)
    {
        Path = path;
        RunName = runName;
        Drawn = drawn;
        Layout = layout;
        Rows = rows;
        Cells = cells;
        Machine = machine;
        _outcomeByCell = new string?[layout.Cells.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            _outcomeByCell[cells[i].Index] = rows[i].Outcome;
        }

        _disagreements = new(() =>
        {
            // Each export is judged by the model of the kernel that made it (LinuxBindModel.For), not the newest one.
            var predicted = MatrixFacts.Predictions(layout, layout.Os == Os.Linux ? LinuxBindModel.For(machine?.Kernel) : BindModel.For(layout.Os));
            return [.. Enumerable.Range(0, rows.Count)
                .Where(i => predicted[cells[i].Index].Code != rows[i].Outcome)
                .Select(i => new Disagreement(cells[i], predicted[cells[i].Index].Code, rows[i].Outcome))];
        });
    }

    public string Path { get; }

    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>The run that made the export (<see cref="Results.RunName"/>): its claims run, if recorded, has the same name.</summary>
    public string RunName { get; }

    /// <summary>Whether its four drawings are beside it.</summary>
    public bool Drawn { get; }

    public MatrixLayout Layout { get; }

    public Os Os => Layout.Os;

    public Layer Layer => Layout.Layer;

    public IReadOnlyList<MatrixRow> Rows { get; }

    /// <summary>Each row's cell in <see cref="Layout"/>, in row order.</summary>
    public IReadOnlyList<MatrixCell> Cells { get; }

    public MatrixMachine? Machine { get; }

    /// <summary>The layout's cells this export does not hold: the machine could not run them.</summary>
    public int NotRun => Layout.Cells.Count - Rows.Count;

    /// <summary>What the export observed for a cell of its layout, or null where it holds no row for it.</summary>
    public string? OutcomeOf(MatrixCell cell) => _outcomeByCell[cell.Index];

    /// <summary>Every row whose observation the model of this OS did not predict, in row order.</summary>
    public IReadOnlyList<Disagreement> Disagreements => _disagreements.Value;

    public int Agreeing => Rows.Count - Disagreements.Count;

    /// <summary>The observed cells with their outcomes.</summary>
    public IEnumerable<(MatrixCell Cell, string Outcome)> Observed() => Cells.Select((c, i) => (c, Rows[i].Outcome));
}
