using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/BindingBehaviour.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(BindingBehaviour.Benchmarks.MatrixBenchmarks).Assembly).Run(args);
