// probe: runs any sequence of sockets on this machine and prints each step's outcome beside the model's prediction;
// "probe matrix" runs and exports the exhaustive pairwise matrix. The syntax is in BindingBehaviour.Probe.ProbeArguments.
return BindingBehaviour.Probe.ProbeCli.Run(args, Console.Out, Console.Error);
