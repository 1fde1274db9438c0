using System.Text;

namespace BindingBehaviour.Docs.Rendering;

/// <summary>
/// Builds a GitHub-flavoured Markdown page line by line, with "\n" line endings whatever the OS, no trailing whitespace
/// and exactly one newline at the end.
/// </summary>
internal sealed class Markdown
{
    private readonly StringBuilder _text = new();

    public Markdown Line(string line = "")
    {
        _text.Append(line).Append('\n');
        return this;
    }

    /// <summary>A paragraph: the text, then a blank line.</summary>
    public Markdown Paragraph(string text) => Line(text).Line();

    public Markdown Heading(int level, string text) => Line(new string('#', level) + " " + text).Line();

    /// <summary>A table: the header, the separator and the rows; every cell escaped for a table (see <see cref="Cell"/>).</summary>
    public Markdown Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        Line(Row(header));
        Line("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var row in rows)
        {
            Line(Row(row));
        }

        return Line();
    }

    /// <summary>A fenced code block, with a fence longer than any run of backticks inside the code.</summary>
    public Markdown CodeBlock(string language, string code)
    {
        var fence = new string('`', Math.Max(3, LongestRun(code, '`') + 1));
        Line(fence + language);
        foreach (var line in Lines(code))
        {
            Line(line);
        }

        return Line(fence).Line();
    }

    public override string ToString()
    {
        var lines = Lines(_text.ToString()).Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>One table row; each cell escaped so that a '|' or a line break inside it cannot break the table.</summary>
    public static string Row(IReadOnlyList<string> cells) => "| " + string.Join(" | ", cells.Select(Cell)) + " |";

    /// <summary>A table cell: '|' escaped, line breaks turned into &lt;br&gt;.</summary>
    public static string Cell(string text) =>
        string.Join("<br>", Lines(text).Select(l => l.Trim())).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Text from a machine or an OS (a message, a reason), escaped so that Markdown shows it as it is.</summary>
    public static string Text(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>An inline code span that holds any text, backticks included; "(empty)" for an empty text, which no span can show.</summary>
    public static string Code(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "(empty)";
        }

        var single = string.Join(' ', Lines(text));
        var fence = new string('`', LongestRun(single, '`') + 1);
        var pad = single.StartsWith('`') || single.EndsWith('`') ? " " : "";
        return fence + pad + single + pad + fence;
    }

    /// <summary>A link; brackets in the text are escaped.</summary>
    public static string Link(string text, string target) =>
        $"[{text.Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal)}]({target})";

    /// <summary>An image (GitHub renders SVG too); brackets in the alternative text are escaped.</summary>
    public static string Image(string alternative, string target) => "!" + Link(alternative, target);

    /// <summary>An HTML anchor that links can point at with #id.</summary>
    public static string Anchor(string id) => $"<a id=\"{System.Net.WebUtility.HtmlEncode(id)}\"></a>";

    /// <summary>The fragment of a link to <see cref="Anchor"/>.</summary>
    public static string Fragment(string id) => "#" + Uri.EscapeDataString(id);

    private static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');

    private static int LongestRun(string text, char c)
    {
        int longest = 0, current = 0;
        foreach (var ch in text)
        {
            current = ch == c ? current + 1 : 0;
            longest = Math.Max(longest, current);
        }

        return longest;
    }
}
