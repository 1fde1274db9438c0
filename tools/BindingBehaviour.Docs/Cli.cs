using BindingBehaviour.Results;

namespace BindingBehaviour.Docs;

/// <summary>
/// The entry point: parses the arguments and runs one command. Exit codes: 0 done (or fresh), 1 a data problem or stale
/// docs (one "error:" line on stderr naming the file), 2 the command line was not understood (one "error:" line and a usage line).
/// </summary>
public static class Cli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        Run(args, stdout, stderr, new DotnetTestRunner(), Environment.CurrentDirectory);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr, ITestRunner tests, string workingDirectory)
    {
        ParsedCommand? command;
        try
        {
            command = CommandLine.Parse(args);
        }
        catch (UsageException e)
        {
            stderr.WriteLine("error: " + OneLine(e.Message));
            stderr.WriteLine(e.Usage);
            return BadUsage;
        }

        if (command is null)
        {
            foreach (var line in CommandLine.Help())
            {
                stdout.WriteLine(line);
            }

            return Success;
        }

        var generator = new DocsGenerator(stdout, stderr, tests, workingDirectory);
        try
        {
            return command.Spec.Name switch
            {
                "render" => generator.Render(command["results"], command["out"]),
                "check" => generator.Check(command["results"], command["docs"]),
                "record" => generator.Record(command["run"], command["results"], command["out"]),
                "refresh" => generator.Refresh(command["results"], command["out"]),
                "catalog" => generator.Catalog(command["tests"], command["results"]),
                "check-catalog" => generator.CheckCatalog(command["tests"], command["results"]),
                var other => throw new InvalidOperationException($"the command {other} has no implementation."),
            };
        }
        catch (Exception e) when (e is ResultsFormatException or DocsException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine("error: " + OneLine(e.Message));
            return Failure;
        }
        catch (Exception e)
        {
            // A bug in the generator: say what happened, still without a stack trace.
            stderr.WriteLine($"error: unexpected {e.GetType().Name}: {OneLine(e.Message)}");
            return Failure;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
}
