using BenchmarkDotNet.Running;
using BindingBehaviour.Benchmarks;

// dotnet run -c Release --project benchmarks/BindingBehaviour.Benchmarks -- --filter '*'   BenchmarkDotNet
// dotnet run -c Release --project benchmarks/BindingBehaviour.Benchmarks -- floor         against the C floor
return args switch
{
    ["floor", .. var rest] => FloorComparison.Run(rest),
    ["passes", .. var rest] => FloorComparison.Passes(rest),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(MatrixBenchmarks).Assembly).Run(args);
    return 0;
}
