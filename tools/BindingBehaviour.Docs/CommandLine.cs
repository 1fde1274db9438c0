namespace BindingBehaviour.Docs;

/// <summary>The command line was not understood: one message and the usage line of the command (or of the tool).</summary>
internal sealed class UsageException(string message, string usage) : Exception(message)
{
    public string Usage { get; } = usage;
}

/// <summary>A command the tool knows: its options, which of them are required, and the defaults of the others.</summary>
internal sealed record CommandSpec(string Name, string Usage, IReadOnlyList<string> Required, IReadOnlyDictionary<string, string> Defaults)
{
    public bool Takes(string option) => Required.Contains(option) || Defaults.ContainsKey(option);
}

/// <summary>A parsed command line: the command and the value of each of its options.</summary>
internal sealed record ParsedCommand(CommandSpec Spec, IReadOnlyDictionary<string, string> Options)
{
    public string this[string option] => Options[option];
}

internal static class CommandLine
{
    public const string Tool = "bbdocs";

    public static readonly IReadOnlyList<CommandSpec> Commands =
    [
        new("render", $"{Tool} render --results <dir> --out <docsDir>", ["results", "out"], Empty()),
        new("check", $"{Tool} check --results <dir> --docs <docsDir>", ["results", "docs"], Empty()),
        new("record", $"{Tool} record --run <runDir> --results <dir> --out <docsDir>", ["run", "results", "out"], Empty()),
        new("refresh", $"{Tool} refresh [--results results] [--out docs]", [],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["results"] = "results", ["out"] = "docs" }),
        new("catalog", $"{Tool} catalog [--tests <BindingBehaviour.Tests.dll>] [--results results]", [],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["tests"] = ClaimAssembly.DefaultPath, ["results"] = "results" }),
        new("check-catalog", $"{Tool} check-catalog [--tests <BindingBehaviour.Tests.dll>] [--results results]", [],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["tests"] = ClaimAssembly.DefaultPath, ["results"] = "results" }),
    ];

    public static string GeneralUsage =>
        $"usage: {Tool} <{string.Join("|", Commands.Select(c => c.Name))}> [options]; {Tool} --help lists them";

    public static IEnumerable<string> Help()
    {
        yield return $"{Tool}: renders docs/ from results/ (catalog.json, runs/*.json, attestations.json, matrix/*.tsv). Commands:";
        foreach (var command in Commands)
        {
            yield return "  " + command.Usage;
        }
    }

    /// <summary>Parses the arguments; null means help was asked for.</summary>
    public static ParsedCommand? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new UsageException("no command given.", GeneralUsage);
        }

        if (args[0] is "--help" or "-h" or "help")
        {
            return null;
        }

        var spec = Commands.FirstOrDefault(c => c.Name == args[0])
            ?? throw new UsageException($"unknown command \"{args[0]}\".", GeneralUsage);
        var usage = "usage: " + spec.Usage;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var argument = args[i];
            if (argument is "--help" or "-h")
            {
                return null;
            }

            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument \"{argument}\".", usage);
            }

            var name = argument[2..];
            string? value = null;
            if (name.IndexOf('=', StringComparison.Ordinal) is var equals and >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (!spec.Takes(name))
            {
                throw new UsageException($"{spec.Name} does not take the option \"--{name}\".", usage);
            }

            if (string.IsNullOrEmpty(value))
            {
                throw new UsageException($"the option --{name} needs a value.", usage);
            }

            if (!options.TryAdd(name, value))
            {
                throw new UsageException($"the option --{name} is given twice.", usage);
            }
        }

        foreach (var required in spec.Required.Where(r => !options.ContainsKey(r)))
        {
            throw new UsageException($"{spec.Name} needs --{required}.", usage);
        }

        foreach (var (name, value) in spec.Defaults)
        {
            options.TryAdd(name, value);
        }

        return new ParsedCommand(spec, options);
    }

    private static Dictionary<string, string> Empty() => new(StringComparer.Ordinal);
}
