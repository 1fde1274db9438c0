namespace BindingBehaviour.Matrix;

/// <summary>One row of a matrix TSV, parsed and checked against the vocabulary.</summary>
public sealed record MatrixRow(Layer Layer, MatrixConfig A, MatrixConfig B, string Outcome)
{
    /// <summary>The nine columns before the outcome, tab-joined: what identifies the cell across OSes.</summary>
    public string Key => MatrixTsv.Key(Layer, A, B);
}
