using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>One socket of a cell: protocol, address, options (in the layer's vocabulary) and state.</summary>
public readonly record struct MatrixConfig(Transport Transport, MatrixAddress Address, int Options, bool Listening)
{
    public NativeOptions Native => (NativeOptions)Options;

    public ManagedOptions Managed => (ManagedOptions)Options;
}
