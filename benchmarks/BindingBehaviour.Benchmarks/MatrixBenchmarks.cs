using System.Net;
using BenchmarkDotNet.Attributes;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Benchmarks;

/// <summary>
/// What a two-socket scenario costs on one thread. <see cref="NativeMatrix"/> runs every cell of the native matrix once
/// (17,424 on Linux); <see cref="TwoSocketConflict"/> is the smallest conflict: socket, bind port 0, getsockname, socket,
/// bind the same port (refused), close both. Results are per scenario (OperationsPerInvoke); the memory diagnoser's
/// figure for <see cref="NativeMatrix"/> is the matrix's allocation per scenario (0 B). The comparison with the same
/// cells issued from C is <see cref="FloorComparison"/>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class MatrixBenchmarks
{
    private const int LinuxNativeCells = 17_424;
    private const int ConflictLoops = 2_000;

    private MatrixRunner _runner = null!;
    private MatrixCell[] _cells = [];

    [GlobalSetup]
    public void Setup()
    {
        var layout = MatrixLayout.For(HostOs.Require(), Layer.Native);
        _runner = new MatrixRunner(layout);
        _cells = [.. layout.Cells.Where(c => MatrixCapabilities.OfThisMachine.SkipReason(c) is null)];
        if (_cells.Length != LinuxNativeCells)
        {
            throw new InvalidOperationException(
                $"This benchmark divides by the {LinuxNativeCells} cells of the full Linux matrix; this machine runs {_cells.Length}. Use probe matrix --bench instead.");
        }
    }

    [Benchmark(OperationsPerInvoke = LinuxNativeCells)]
    public int NativeMatrix()
    {
        var refused = 0;
        foreach (var cell in _cells)
        {
            if (!_runner.RunCell(cell).Succeeded)
            {
                refused++;
            }
        }

        return refused;
    }

    [Benchmark(OperationsPerInvoke = ConflictLoops)]
    public int TwoSocketConflict()
    {
        var refused = 0;
        for (var i = 0; i < ConflictLoops; i++)
        {
            using var first = NativeSocket.Open(Transport.Udp, IPAddress.Loopback);
            first.Bind(IPAddress.Loopback, 0);
            using var second = NativeSocket.Open(Transport.Udp, IPAddress.Loopback);
            if (!second.Bind(IPAddress.Loopback, first.LocalPort).Succeeded)
            {
                refused++;
            }
        }

        return refused;
    }
}
