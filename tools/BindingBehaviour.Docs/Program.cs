// The docs generator: reads results/*.json and results/matrix/*.tsv and writes docs/. See Cli for the commands.
return BindingBehaviour.Docs.Cli.Run(args, Console.Out, Console.Error);
