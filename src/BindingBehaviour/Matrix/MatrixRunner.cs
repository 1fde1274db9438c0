using System.Diagnostics;
using System.Net;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// Runs every cell of a matrix on this machine. Per cell: socket A opens, sets its options, binds port 0 on its address
/// and, when its state is listening, listens; socket B opens, sets its options, binds A's port on its address and, when
/// its state is listening, listens (so a refusal there is <c>listen:...</c>); both close before the next cell, so a
/// wildcard bind lasts only as long as its cell.
/// <para>Port discipline: B takes A's port, which may be held in B's protocol by another process. A cell whose prediction
/// is success and that is refused as in use (or access denied) is run again with a fresh port, at most
/// <see cref="Ports.Attempts"/> times in all; a cell predicted to fail is never retried.</para>
/// <para>The native path allocates nothing per cell: both sockets are <see cref="NativeDescriptor"/> values, each end point
/// is kept per address as its encoded sockaddr (<see cref="NativeEndPoint"/>) with only its port changed, refusals are
/// cached, and outcomes are stored as <see cref="CellOutcome"/> values and formatted only at export.</para>
/// </summary>
public sealed class MatrixRunner
{
    private readonly MatrixLayout _layout;
    private readonly NativeEndPoint[] _firstEndPoints;
    private readonly NativeEndPoint[] _secondEndPoints;

    public MatrixRunner(MatrixLayout layout)
    {
        if (layout.Os != HostOs.Require())
        {
            throw new InvalidOperationException($"A {layout.Os} matrix cannot run on {HostOs.Require()}.");
        }

        _layout = layout;
        _firstEndPoints = [.. MatrixAddress.All.Select(a => new NativeEndPoint(new IPEndPoint(a.Address, 0)))];
        _secondEndPoints = [.. _firstEndPoints];
    }

    /// <summary>Runs the whole matrix of this OS and layer, skipping the cells this machine cannot bind.</summary>
    public static MatrixRun Run(Layer layer, MatrixCapabilities? capabilities = null) =>
        new MatrixRunner(MatrixLayout.For(HostOs.Require(), layer)).Run(capabilities ?? MatrixCapabilities.OfThisMachine);

    public MatrixRun Run(MatrixCapabilities capabilities)
    {
        var cells = _layout.Cells;
        var predicted = new CellOutcome[cells.Count];
        var observed = new CellOutcome[cells.Count];
        var skipped = new string?[cells.Count];
        var attempts = new byte[cells.Count];
        var model = BindModel.ForThisMachine(_layout.Os);
        for (var i = 0; i < cells.Count; i++)
        {
            predicted[i] = DotNetOptionMapping.Predict(model, _layout, cells[i]);
        }

        // What the machine lacks is per address: asked once here, not twice per cell.
        string?[] reasons = [.. MatrixAddress.All.Select(capabilities.Reason)];

        var clock = Stopwatch.StartNew();
        var scenarios = 0;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if ((reasons[cell.A.Address.Index] ?? reasons[cell.B.Address.Index]) is { } reason)
            {
                skipped[i] = reason;
                continue;
            }

            var outcome = RunCell(cell);
            var tries = 1;
            while (tries < Ports.Attempts && predicted[i].Succeeded && Ports.IsTaken(outcome.Error))
            {
                outcome = RunCell(cell);
                tries++;
            }

            observed[i] = outcome;
            attempts[i] = (byte)tries;
            scenarios += tries;
        }

        clock.Stop();
        return new MatrixRun(_layout, capabilities, predicted, observed, skipped, attempts, scenarios, clock.Elapsed);
    }

    /// <summary>One attempt at a cell, with a fresh port.</summary>
    public CellOutcome RunCell(in MatrixCell cell) =>
        _layout.Layer == Layer.Native ? RunNative(cell) : RunManaged(cell);

    /// <summary>Both sockets through the native sequence, held as values: nothing here allocates.</summary>
    private CellOutcome RunNative(in MatrixCell cell)
    {
        var a = cell.A;
        var outcome = NativeDescriptor.OpenBound(new NativeSetup(a.Transport, a.Native, a.Listening), _firstEndPoints[a.Address.Index], out var first);
        if (!outcome.Succeeded)
        {
            return CellOutcome.From(outcome, first: true);
        }

        // A is closed in the try block, where the JIT calls libc directly; a finally block that closed it would do so through a
        // marshalling stub (the JIT does not inline a P/Invoke in an exception handler). The finally closes it only when
        // something threw before.
        var closed = false;
        try
        {
            var b = cell.B;
            ref var endPoint = ref _secondEndPoints[b.Address.Index];
            endPoint.Port = first.LocalPort;
            outcome = NativeDescriptor.OpenBound(new NativeSetup(b.Transport, b.Native, b.Listening), endPoint, out var second);
            second.Dispose();
            first.Dispose();
            closed = true;
        }
        finally
        {
            if (!closed)
            {
                first.Dispose();
            }
        }

        return CellOutcome.From(outcome);
    }

    private static CellOutcome RunManaged(in MatrixCell cell)
    {
        var a = cell.A;
        var outcome = MatrixSockets.OpenManaged(a.Transport, new IPEndPoint(a.Address.Address, 0), a.Managed, a.Listening, out var first);
        if (!outcome.Succeeded)
        {
            return CellOutcome.From(outcome, first: true);
        }

        using (first)
        {
            var b = cell.B;
            var port = ((IPEndPoint)first!.LocalEndPoint!).Port;
            outcome = MatrixSockets.OpenManaged(b.Transport, new IPEndPoint(b.Address.Address, port), b.Managed, b.Listening, out var second);
            second?.Dispose();
            return CellOutcome.From(outcome);
        }
    }
}
