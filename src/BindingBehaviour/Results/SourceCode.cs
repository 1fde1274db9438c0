namespace BindingBehaviour.Results;

/// <summary>Cuts a test method's body out of its source file, so the docs show exactly the C# that ran.</summary>
public static class SourceCode
{
    public static string MethodBody(string file, int attributeLine)
    {
        var lines = File.ReadAllLines(file);
        var signature = Array.FindIndex(lines, attributeLine - 1, l => l.TrimStart().StartsWith("public ", StringComparison.Ordinal));
        var open = Array.FindIndex(lines, signature, l => l.Trim() == "{");
        if (signature < 0 || open < 0)
        {
            throw new InvalidOperationException($"{file}:{attributeLine}: no method body after the claim attribute.");
        }

        var depth = 0;
        for (var i = open; i < lines.Length; i++)
        {
            depth += lines[i].Count(c => c == '{') - lines[i].Count(c => c == '}');
            if (depth == 0)
            {
                return Dedent(lines[(open + 1)..i]);
            }
        }

        throw new InvalidOperationException($"{file}:{attributeLine}: the method body never closes.");
    }

    private static string Dedent(string[] body)
    {
        var indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).Trim('\n');
    }
}
