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
/// <para>The native path allocates nothing per cell beyond what <see cref="NativeSocket"/> does (refusals, the local
/// end point); outcomes are stored as <see cref="CellOutcome"/> values and formatted only at export.</para>
/// </summary>
public sealed class MatrixRunner
{
    private readonly MatrixLayout _layout;
    private readonly IPEndPoint[] _firstEndPoints;
    private readonly IPEndPoint[] _secondEndPoints;

    public MatrixRunner(MatrixLayout layout)
    {
        if (layout.Os != HostOs.Require())
        {
            throw new InvalidOperationException($"A {layout.Os} matrix cannot run on {HostOs.Require()}.");
        }

        _layout = layout;
        _firstEndPoints = [.. MatrixAddress.All.Select(a => new IPEndPoint(a.Address, 0))];
        _secondEndPoints = [.. MatrixAddress.All.Select(a => new IPEndPoint(a.Address, 0))];
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

        var clock = Stopwatch.StartNew();
        var scenarios = 0;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (capabilities.SkipReason(cell) is { } reason)
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
    public CellOutcome RunCell(MatrixCell cell) =>
        _layout.Layer == Layer.Native ? RunNative(cell) : RunManaged(cell);

    private CellOutcome RunNative(MatrixCell cell)
    {
        var a = cell.A;
        var opened = NativeSocket.TryOpen(a.Transport, a.Address.Family, out var first);
        if (!opened.Succeeded)
        {
            return CellOutcome.From(opened, first: true);
        }

        using (first)
        {
            var endPoint = _firstEndPoints[a.Address.Index];
            var outcome = MatrixSockets.SetNative(first!, a.Native, a.Address.IsIPv6);
            if (outcome.Succeeded)
            {
                outcome = first!.Bind(endPoint);
            }

            if (outcome.Succeeded && a.Listening)
            {
                outcome = first!.Listen();
            }

            if (!outcome.Succeeded)
            {
                return CellOutcome.From(outcome, first: true);
            }

            return RunNativeSecond(cell.B, first!.LocalPort);
        }
    }

    private CellOutcome RunNativeSecond(MatrixConfig b, int port)
    {
        var opened = NativeSocket.TryOpen(b.Transport, b.Address.Family, out var second);
        if (!opened.Succeeded)
        {
            return CellOutcome.From(opened);
        }

        using (second)
        {
            var endPoint = _secondEndPoints[b.Address.Index];
            endPoint.Port = port;
            var outcome = MatrixSockets.SetNative(second!, b.Native, b.Address.IsIPv6);
            if (outcome.Succeeded)
            {
                outcome = second!.Bind(endPoint);
            }

            if (outcome.Succeeded && b.Listening)
            {
                outcome = second!.Listen();
            }

            return CellOutcome.From(outcome);
        }
    }

    private static CellOutcome RunManaged(MatrixCell cell)
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

/// <summary>The result of running a matrix: per cell, the prediction, the observation (or why it was skipped) and the attempts.</summary>
public sealed class MatrixRun(
    MatrixLayout layout,
    MatrixCapabilities capabilities,
    CellOutcome[] predicted,
    CellOutcome[] observed,
    string?[] skipped,
    byte[] attempts,
    int scenarios,
    TimeSpan elapsed)
{
    public MatrixLayout Layout { get; } = layout;

    public MatrixCapabilities Capabilities { get; } = capabilities;

    public IReadOnlyList<CellOutcome> Predicted { get; } = predicted;

    /// <summary>The observed outcome of each cell; meaningless where <see cref="Skipped"/> has a reason.</summary>
    public IReadOnlyList<CellOutcome> Observed { get; } = observed;

    /// <summary>Why a cell did not run here, or null when it ran.</summary>
    public IReadOnlyList<string?> Skipped { get; } = skipped;

    public IReadOnlyList<byte> Attempts { get; } = attempts;

    /// <summary>Two-socket scenarios run, retries included.</summary>
    public int Scenarios { get; } = scenarios;

    public TimeSpan Elapsed { get; } = elapsed;

    public int CellsRun => Skipped.Count(s => s is null);

    public int CellsRetried => Attempts.Count(a => a > 1);

    public double ScenariosPerSecond => Scenarios / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>The cells that ran and whose observation differs from the model's prediction.</summary>
    public IReadOnlyList<(MatrixCell Cell, CellOutcome Predicted, CellOutcome Observed)> Disagreements() =>
        [.. Layout.Cells.Where(c => Skipped[c.Index] is null && Observed[c.Index] != Predicted[c.Index])
            .Select(c => (c, Predicted[c.Index], Observed[c.Index]))];

    /// <summary>The skip reasons with the number of cells each one skipped.</summary>
    public IReadOnlyList<(string Reason, int Cells)> SkipReasons() =>
        [.. Skipped.Where(s => s is not null).GroupBy(s => s!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))];

    /// <summary>A cell as one readable line: "tcp 0.0.0.0 REUSEADDR listening → udp [::] - bound".</summary>
    public static string Describe(MatrixLayout layout, MatrixCell cell) =>
        $"{Describe(layout.Layer, cell.A)} → {Describe(layout.Layer, cell.B)}";

    public static string Describe(Layer layer, MatrixConfig config) =>
        $"{MatrixWords.Proto(config.Transport)} {config.Address.Text} {MatrixWords.Options(layer, config.Options)} {MatrixWords.State(config.Listening)}";
}
