using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using BindingBehaviour.Matrix;

namespace BindingBehaviour.Benchmarks;

/// <summary>
/// The native matrix against its syscall floor: the same 17,424 cells issued from C (floor_matrix.c, the same calls,
/// order and arguments). The C file is a baseline kept outside the repository, beside it at ../shared/bench; this
/// builds it with gcc -O2, then runs the C program and this program's own matrix passes (<see cref="Passes"/>, a child
/// process) on one core, alternating which goes first, for several rounds, and reports the ratio of the medians with
/// the spread. The C program is pinned with taskset; of the C# child only the thread that issues the cells is pinned
/// (<see cref="CallingThread"/>), so the runtime's own threads do their work on another core. The machine may be shared:
/// the figures say how noisy it was, and they go into the README, never into a test.
/// </summary>
public static partial class FloorComparison
{
    /// <summary>
    /// Untimed passes before the timed ones, so that the hot path runs its optimized code when the clock starts (it is
    /// promoted within the first pass). More than one costs about a second per round and keeps the first timed pass clear
    /// of the hot path's own promotion.
    /// </summary>
    private const int WarmUpPasses = 3;

    /// <summary>Where the C baseline lives, relative to the repository root.</summary>
    public const string FloorSource = "../shared/bench/floor_matrix.c";

    public static int Run(IReadOnlyList<string> args)
    {
        int rounds, passes, cpu;
        string? given;
        try
        {
            rounds = Number(args, "--rounds", 6, first: 1);
            passes = Number(args, "--passes", 5, first: 1);
            cpu = Number(args, "--cpu", Environment.ProcessorCount - 1, first: 0, last: Environment.ProcessorCount - 1);
            given = ValueOf(args, "--source");
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"floor: {e.Message}");
            return 2;
        }

        var root = RepositoryRoot();
        var source = Path.GetFullPath(given ?? Path.Combine(root, FloorSource));
        if (!File.Exists(source))
        {
            Console.Error.WriteLine($"floor: the C baseline {given ?? FloorSource} is missing (looked for {source}). It is kept outside the repository, beside it (or name it with --source PATH); without it there is nothing to compare against. The other benchmarks run without it.");
            return 2;
        }

        foreach (var tool in new[] { "gcc", "taskset" })
        {
            if (!OnPath(tool))
            {
                Console.Error.WriteLine($"floor: {tool} is needed and is not on PATH (apt-get install {(tool == "gcc" ? "gcc" : "util-linux")}).");
                return 2;
            }
        }

        var binary = Path.Combine(root, "artifacts", "bench", "floor_matrix");
        Directory.CreateDirectory(Path.GetDirectoryName(binary)!);
        var (built, _, buildError) = Execute(["gcc", "-O2", "-o", binary, source]);
        if (built != 0)
        {
            Console.Error.WriteLine($"floor: gcc -O2 {source} failed: {buildError.Trim()}");
            return 1;
        }

        // Both sides report steady passes only: the C# child runs its warm-up passes untimed (JIT compilation and
        // tiering), and the C side runs one pass more and discards its first (cold caches).
        string[] floor = ["taskset", "-c", cpu.ToString(CultureInfo.InvariantCulture), binary, (passes + 1).ToString(CultureInfo.InvariantCulture)];
        string[] managed = [.. Self(), "passes", passes.ToString(CultureInfo.InvariantCulture), "--cpu", cpu.ToString(CultureInfo.InvariantCulture)];
        Console.WriteLine($"floor: {rounds} rounds on cpu {cpu}, {passes} timed passes of the native matrix per side and round, alternating which side goes first; load average before: {LoadAverage()}");
        var c = new List<double>();
        var cs = new List<double>();
        var roundRatios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            List<double> roundC = [], roundCs = [];
            foreach (var side in round % 2 == 1 ? new[] { 0, 1 } : [1, 0])
            {
                var (code, output, error) = Execute(side == 0 ? floor : managed);
                if (code != 0)
                {
                    Console.Error.WriteLine($"floor: {(side == 0 ? "floor_matrix" : "the C# passes")} failed ({code}): {error.Trim()}");
                    return 1;
                }

                var rates = PassRates(output);
                (side == 0 ? roundC : roundCs).AddRange(side == 0 ? rates.Skip(1) : rates);
            }

            c.AddRange(roundC);
            cs.AddRange(roundCs);
            roundRatios.Add(Median(roundCs) / Median(roundC));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round}: C median {Median(roundC):0} cells/s, C# median {Median(roundCs):0} scenarios/s, ratio {roundRatios[^1]:0.000}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"C  (floor_matrix.c, gcc -O2): {Describe(c)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"C# (MatrixRunner, native):    {Describe(cs)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio of medians C#/C: {Median(cs) / Median(c):0.000} (per round {roundRatios.Min():0.000} to {roundRatios.Max():0.000}); load average after: {LoadAverage()}"));
        return 0;
    }

    /// <summary>
    /// The child, <c>passes N [--cpu C]</c>, with its issuing thread pinned to cpu C (<see cref="CallingThread"/>):
    /// <see cref="WarmUpPasses"/> untimed passes of the native matrix (JIT compilation and tiering), then N timed passes,
    /// each printed as floor_matrix prints its own, then the bytes allocated per scenario over a pass of the cells alone.
    /// </summary>
    public static int Passes(IReadOnlyList<string> args)
    {
        int passes;
        int? cpu;
        try
        {
            passes = args.Count > 0 ? Whole("the number of passes", args[0], 1, int.MaxValue) : 5;
            cpu = ValueOf(args, "--cpu") is null ? null : Number(args, "--cpu", 0, first: 0, last: Environment.ProcessorCount - 1);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"passes: {e.Message}");
            return 2;
        }

        if (cpu is { } pinned)
        {
            if (!CallingThread.PinTo(pinned, out var errno))
            {
                Console.Error.WriteLine($"passes: sched_setaffinity to cpu {pinned} was refused (errno {errno}).");
                return 1;
            }
        }

        for (var warmUp = 0; warmUp < WarmUpPasses; warmUp++)
        {
            MatrixRunner.Run(Layer.Native);
        }

        for (var pass = 1; pass <= passes; pass++)
        {
            var run = MatrixRunner.Run(Layer.Native);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  pass {pass}: {run.Scenarios} scenarios ({run.CellsRun} cells) in {run.Elapsed.TotalSeconds:0.000} s = {run.ScenariosPerSecond:0} cells/s"));
        }

        var layout = MatrixLayout.For(HostOs.Require(), Layer.Native);
        var runner = new MatrixRunner(layout);
        var cells = layout.Cells.Where(c => MatrixCapabilities.OfThisMachine.SkipReason(c) is null).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var cell in cells)
        {
            runner.RunCell(cell);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocated {allocated / (double)cells.Length:0.0} B per scenario"));
        return 0;
    }

    private static string Describe(List<double> rates)
    {
        var sorted = rates.Order().ToList();
        var (q1, q3) = (sorted[sorted.Count / 4], sorted[sorted.Count * 3 / 4]);
        return $"median {Median(rates):0}/s over {rates.Count} passes, range {sorted[0]:0} to {sorted[^1]:0}, interquartile {q1:0} to {q3:0} ({(q3 - q1) / Median(rates) * 100:0}% of the median)";
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static List<double> PassRates(string output) =>
        [.. PassLine().Matches(output).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"pass \d+: .* = (\d+) cells/s")]
    private static partial Regex PassLine();

    /// <summary>The word after <paramref name="name"/>, or null when the option is not given; a name with nothing after it is bad input.</summary>
    private static string? ValueOf(IReadOnlyList<string> args, string name)
    {
        var at = args.ToList().IndexOf(name);
        return at < 0 ? null : at + 1 < args.Count ? args[at + 1] : throw new UsageException($"{name} needs a value.");
    }

    /// <summary>A whole-number option from <paramref name="first"/> to <paramref name="last"/>, or the fallback when it is not given.</summary>
    private static int Number(IReadOnlyList<string> args, string name, int fallback, int first, int last = int.MaxValue) =>
        ValueOf(args, name) is { } text ? Whole(name, text, first, last) : fallback;

    private static int Whole(string name, string text, int first, int last) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= first && value <= last
            ? value
            : throw new UsageException(last == int.MaxValue
                ? $"{name} takes a whole number from {first}, not \"{text}\"."
                : $"{name} takes a whole number from {first} to {last}, not \"{text}\".");

    /// <summary>Bad arguments: one line, exit code 2.</summary>
    private sealed class UsageException(string message) : Exception(message);

    /// <summary>The repository root, embedded at build time (Directory.Build.props).</summary>
    private static string RepositoryRoot() =>
        typeof(FloorComparison).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "BindingBehaviour.RepoRoot").Value!;

    /// <summary>This program, to start again as the child: its apphost, or dotnet with its dll.</summary>
    private static string[] Self() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? [Environment.ProcessPath!, typeof(FloorComparison).Assembly.Location]
            : [Environment.ProcessPath!];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    /// <summary>A side's run, or gcc's; a child that has not ended after ten minutes is killed and reported as code -1.</summary>
    private static (int Code, string Stdout, string Stderr) Execute(IReadOnlyList<string> command) =>
        ChildProcess.Run(ChildProcess.Start(command[0], command.Skip(1)), TimeSpan.FromMinutes(10))
            ?? (-1, "", $"{command[0]} did not end within 10 minutes");
}
