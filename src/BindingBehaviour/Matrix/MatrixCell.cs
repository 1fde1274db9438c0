namespace BindingBehaviour.Matrix;

/// <summary>One cell: socket A is bound (and listening when its state says so), then socket B tries.</summary>
public readonly record struct MatrixCell(int Index, MatrixConfig A, MatrixConfig B);
