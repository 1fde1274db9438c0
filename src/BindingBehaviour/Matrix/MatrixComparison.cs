namespace BindingBehaviour.Matrix;

/// <summary>A cell on which exports disagree: its key columns and each export's outcome (null where the export lacks the cell).</summary>
public sealed record MatrixDifference(MatrixRow Cell, IReadOnlyList<string?> Outcomes);

/// <summary>The result of comparing several exports (one per OS, say) cell by cell.</summary>
public sealed record MatrixComparisonResult(
    IReadOnlyList<string> Names,
    IReadOnlyList<MatrixDifference> Differences,
    int SharedCells,
    IReadOnlyList<int> UnsharedCells);

/// <summary>
/// Compares matrix exports (for instance linux-native.tsv, windows-native.tsv, macos-native.tsv) and lists the cells
/// where they differ. A cell is a difference when at least two exports have it and their outcomes are not all equal;
/// a cell only one export has (an option that OS alone has, a capability another machine lacked) is counted per export
/// in <see cref="MatrixComparisonResult.UnsharedCells"/> instead. Differences come in the first export's row order, then
/// in the order of the next exports.
/// </summary>
public static class MatrixComparison
{
    public static MatrixComparisonResult Compare(IReadOnlyList<(string Name, string Tsv)> exports) =>
        Compare([.. exports.Select(e => (e.Name, MatrixTsv.Parse(e.Tsv)))]);

    public static MatrixComparisonResult Compare(IReadOnlyList<(string Name, IReadOnlyList<MatrixRow> Rows)> exports)
    {
        var maps = exports.Select(e => e.Rows.ToDictionary(r => r.Key, r => r.Outcome, StringComparer.Ordinal)).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var differences = new List<MatrixDifference>();
        var shared = 0;
        var unshared = new int[exports.Count];
        for (var e = 0; e < exports.Count; e++)
        {
            foreach (var row in exports[e].Rows)
            {
                if (!seen.Add(row.Key))
                {
                    continue;
                }

                var outcomes = maps.Select(m => m.TryGetValue(row.Key, out var o) ? o : null).ToList();
                var present = outcomes.Where(o => o is not null).ToList();
                if (present.Count < 2)
                {
                    unshared[e]++;
                    continue;
                }

                shared++;
                if (present.Distinct(StringComparer.Ordinal).Count() > 1)
                {
                    differences.Add(new MatrixDifference(row, outcomes));
                }
            }
        }

        return new MatrixComparisonResult([.. exports.Select(e => e.Name)], differences, shared, unshared);
    }
}
