using System.Globalization;
using System.Security;
using System.Text;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// Draws one protocol pair of a matrix TSV as an SVG grid: rows are socket A's configurations, columns socket B's,
/// grouped by address with a label per group, each cell coloured by its outcome, with a legend. A pure function of the
/// rows: the same rows give the same bytes.
/// </summary>
public static class MatrixSvg
{
    private const int GroupGap = 6;
    private const int Title = 46;
    private const int AddressLabel = 118;
    private const int ConfigLabel = 74;
    private const int ColumnLabel = 70;
    private const int ColumnGroupLabel = 30;

    /// <summary>Fixed colours for the outcomes every OS shows, so that two drawings read alike.</summary>
    private static readonly (string Code, string Colour, string Meaning)[] Known =
    [
        ("ok", "#43a047", "B binds (and listens)"),
        ("bind:AddressAlreadyInUse", "#e53935", "B's bind is refused: address in use"),
        ("listen:AddressAlreadyInUse", "#fb8c00", "B binds, but its listen is refused"),
        ("bind:AccessDenied", "#8e24aa", "B's bind is refused: access denied"),
        ("bind:InvalidArgument", "#90a4ae", "B's bind is refused: invalid argument"),
        ("bind:AddressNotAvailable", "#6d4c41", "B's bind is refused: address not available"),
    ];

    private static readonly string[] Spare = ["#1e88e5", "#00897b", "#fdd835", "#d81b60", "#5e35b1", "#c0ca33", "#3949ab"];

    /// <summary>The file name of a drawing of a run's export: <c>&lt;run name&gt;-&lt;layer&gt;-tcp-udp.svg</c>, such as <c>linux-6.1.176-native-tcp-udp.svg</c>.</summary>
    public static string FileName(string runName, Layer layer, Transport a, Transport b) =>
        $"{runName}-{MatrixWords.Layer(layer)}-{MatrixWords.Proto(a)}-{MatrixWords.Proto(b)}.svg";

    public static string Draw(IReadOnlyList<MatrixRow> rows, Transport protoA, Transport protoB, string title)
    {
        var pair = rows.Where(r => r.A.Transport == protoA && r.B.Transport == protoB).ToList();
        var layer = pair.Count > 0 ? pair[0].Layer : Layer.Native;
        var rowConfigs = pair.Select(r => r.A).Distinct().OrderBy(c => MatrixTsv.SortKey(layer, c)).ToList();
        var columnConfigs = pair.Select(r => r.B).Distinct().OrderBy(c => MatrixTsv.SortKey(layer, c)).ToList();
        var outcome = pair.ToDictionary(r => (r.A, r.B), r => r.Outcome);

        var cellW = columnConfigs.Count > 50 ? 11 : 16;
        var cellH = rowConfigs.Count > 50 ? 11 : 16;
        var xs = Positions(columnConfigs, cellW, AddressLabel + ConfigLabel);
        var ys = Positions(rowConfigs, cellH, Title + ColumnGroupLabel + ColumnLabel);
        var gridRight = (columnConfigs.Count > 0 ? xs[^1] + cellW : AddressLabel + ConfigLabel);
        var gridBottom = (rowConfigs.Count > 0 ? ys[^1] + cellH : Title + ColumnGroupLabel + ColumnLabel);

        var codes = Colours(pair.Select(r => r.Outcome));
        var counts = pair.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var legendTop = gridBottom + 24;
        var legendRows = codes.Count + 3;
        var width = Math.Max(gridRight + 16, 640);
        var height = legendTop + (legendRows * 18) + 16;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n");
        svg.Append("<style>text{fill:#222}.t{font-size:15px;font-weight:bold}.s{font-size:11px;fill:#555}.g{font-size:11px;font-weight:bold}.c{font-size:8px}.l{font-size:11px}");
        for (var i = 0; i < codes.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $".o{i}{{fill:{codes[i].Colour}}}");
        }

        svg.Append("</style>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"t\" x=\"8\" y=\"20\">{Escape(title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"s\" x=\"8\" y=\"37\">rows: socket A ({MatrixWords.Proto(protoA)}, bound first, listening if marked L); columns: socket B ({MatrixWords.Proto(protoB)}, binds A's port); {pair.Count} cells</text>\n");

        // Column labels: the address over each group, the options and state of each column, written upwards.
        // Address labels wider than their group (three UDP columns, say) alternate between two lines so they never overlap.
        var columnGroups = Groups(columnConfigs).ToList();
        var stagger = columnGroups.Any(g => LabelWidth(g.Address.Text) > xs[g.End - 1] + cellW - xs[g.Start]);
        for (var g = 0; g < columnGroups.Count; g++)
        {
            var group = columnGroups[g];
            var left = xs[group.Start];
            var right = xs[group.End - 1] + cellW;
            var labelY = Title + ColumnGroupLabel - 5 - (stagger && g % 2 == 0 ? 13 : 0);
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"g\" x=\"{(left + right) / 2}\" y=\"{labelY}\" text-anchor=\"middle\">{Escape(group.Address.Text)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{labelY + 3}\" x2=\"{right}\" y2=\"{labelY + 3}\" stroke=\"#888\"/>\n");
        }

        for (var i = 0; i < columnConfigs.Count; i++)
        {
            var x = xs[i] + (cellW / 2) + 3;
            var y = Title + ColumnGroupLabel + ColumnLabel - 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"c\" transform=\"translate({x},{y}) rotate(-90)\">{Escape(Short(layer, columnConfigs[i]))}</text>\n");
        }

        // Row labels: the address at the left of each group, the options and state of each row.
        foreach (var group in Groups(rowConfigs))
        {
            var top = ys[group.Start];
            var bottom = ys[group.End - 1] + cellH;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"g\" x=\"{AddressLabel - 8}\" y=\"{((top + bottom) / 2) + 4}\" text-anchor=\"end\">{Escape(group.Address.Text)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{AddressLabel - 3}\" y1=\"{top}\" x2=\"{AddressLabel - 3}\" y2=\"{bottom}\" stroke=\"#888\"/>\n");
        }

        for (var i = 0; i < rowConfigs.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"c\" x=\"{AddressLabel + ConfigLabel - 4}\" y=\"{ys[i] + cellH - 3}\" text-anchor=\"end\">{Escape(Short(layer, rowConfigs[i]))}</text>\n");
        }

        // The cells: a light background per group block, then runs of equal outcomes as one rectangle each.
        foreach (var rowGroup in Groups(rowConfigs))
        {
            foreach (var columnGroup in Groups(columnConfigs))
            {
                var x = xs[columnGroup.Start];
                var y = ys[rowGroup.Start];
                var w = xs[columnGroup.End - 1] + cellW - x;
                var h = ys[rowGroup.End - 1] + cellH - y;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"#eee\"/>\n");
            }
        }

        var index = codes.Select((c, i) => (c.Code, i)).ToDictionary(p => p.Code, p => p.i, StringComparer.Ordinal);
        for (var r = 0; r < rowConfigs.Count; r++)
        {
            var c = 0;
            while (c < columnConfigs.Count)
            {
                if (!outcome.TryGetValue((rowConfigs[r], columnConfigs[c]), out var code))
                {
                    c++;
                    continue;
                }

                var end = c + 1;
                while (end < columnConfigs.Count
                    && xs[end] == xs[end - 1] + cellW
                    && outcome.TryGetValue((rowConfigs[r], columnConfigs[end]), out var next) && next == code)
                {
                    end++;
                }

                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"o{index[code]}\" x=\"{xs[c]}\" y=\"{ys[r]}\" width=\"{(end - c) * cellW}\" height=\"{cellH}\"/>\n");
                c = end;
            }
        }

        // Thin white lines between cells so single cells can be counted.
        svg.Append("<g stroke=\"#fff\" stroke-width=\"1\">");
        for (var i = 1; i < columnConfigs.Count; i++)
        {
            if (xs[i] == xs[i - 1] + cellW)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{xs[i]}\" y1=\"{ys.FirstOrDefault()}\" x2=\"{xs[i]}\" y2=\"{gridBottom}\"/>");
            }
        }

        for (var i = 1; i < rowConfigs.Count; i++)
        {
            if (ys[i] == ys[i - 1] + cellH)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{xs.FirstOrDefault()}\" y1=\"{ys[i]}\" x2=\"{gridRight}\" y2=\"{ys[i]}\"/>");
            }
        }

        svg.Append("</g>\n");

        // The legend: each outcome with its colour, count and meaning, then the abbreviations.
        var line = legendTop;
        for (var i = 0; i < codes.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"o{i}\" x=\"8\" y=\"{line - 10}\" width=\"12\" height=\"12\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"l\" x=\"26\" y=\"{line}\">{Escape(codes[i].Code)} ({counts[codes[i].Code]}): {Escape(codes[i].Meaning)}</text>\n");
            line += 18;
        }

        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"8\" y=\"{line - 10}\" width=\"12\" height=\"12\" fill=\"#eee\"/><text class=\"l\" x=\"26\" y=\"{line}\">not run on this machine (missing capability) or not applicable</text>\n");
        line += 18;
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"l\" x=\"8\" y=\"{line}\">{Escape(Abbreviations(layer))}</text>\n");
        line += 18;
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"l\" x=\"8\" y=\"{line}\">L = listening (A listens before B binds; B binds, then listens); no L = bound only.</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The abbreviated options and state of a configuration, as the drawing labels it: "RA+RP v6 L".</summary>
    public static string Short(Layer layer, MatrixConfig config)
    {
        var parts = new List<string>();
        if (layer == Layer.Native)
        {
            var options = config.Native;
            var reuse = new List<string>();
            if ((options & NativeOptions.ReuseAddress) != 0)
            {
                reuse.Add("RA");
            }

            if ((options & NativeOptions.ReusePort) != 0)
            {
                reuse.Add("RP");
            }

            if ((options & NativeOptions.ExclusiveAddressUse) != 0)
            {
                reuse.Add("EX");
            }

            parts.Add(reuse.Count == 0 ? "–" : string.Join('+', reuse));
            if ((options & NativeOptions.V6Only) != 0)
            {
                parts.Add("v6");
            }
        }
        else
        {
            var options = config.Managed;
            parts.Add((options & ManagedOptions.ReuseAddress) != 0 ? "RA"
                : (options & ManagedOptions.ExclusiveAddressUse) != 0 ? "EX" : "–");
            if ((options & ManagedOptions.DualMode) != 0)
            {
                parts.Add("DM");
            }
        }

        if (config.Listening)
        {
            parts.Add("L");
        }

        return string.Join(' ', parts);
    }

    private static string Abbreviations(Layer layer) => layer == Layer.Native
        ? "– = no option, RA = SO_REUSEADDR, RP = SO_REUSEPORT, EX = SO_EXCLUSIVEADDRUSE, v6 = IPV6_V6ONLY=1 (IPv6 rows without v6 set it to 0)."
        : "– = no option, RA = ReuseAddress, EX = ExclusiveAddressUse, DM = DualMode (IPv6 without DM keeps .NET's default, DualMode false).";

    private static List<(string Code, string Colour, string Meaning)> Colours(IEnumerable<string> outcomes)
    {
        var present = outcomes.Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var list = Known.Where(k => present.Contains(k.Code)).ToList();
        var spare = 0;
        foreach (var code in present.Where(p => Known.All(k => k.Code != p)).Order(StringComparer.Ordinal))
        {
            var colour = code.StartsWith("first:", StringComparison.Ordinal) ? "#37474f" : Spare[spare++ % Spare.Length];
            var meaning = code.StartsWith("first:", StringComparison.Ordinal) ? "socket A itself is refused" : "B is refused";
            list.Add((code, colour, meaning));
        }

        return list;
    }

    private static int[] Positions(List<MatrixConfig> configs, int cell, int start)
    {
        var positions = new int[configs.Count];
        var at = start;
        for (var i = 0; i < configs.Count; i++)
        {
            if (i > 0 && configs[i].Address != configs[i - 1].Address)
            {
                at += GroupGap;
            }

            positions[i] = at;
            at += cell;
        }

        return positions;
    }

    private static IEnumerable<(MatrixAddress Address, int Start, int End)> Groups(List<MatrixConfig> configs)
    {
        var start = 0;
        for (var i = 1; i <= configs.Count; i++)
        {
            if (i == configs.Count || configs[i].Address != configs[start].Address)
            {
                yield return (configs[start].Address, start, i);
                start = i;
            }
        }
    }

    /// <summary>About how wide an 11px bold label is: wide enough to decide whether labels would overlap.</summary>
    private static int LabelWidth(string text) => (text.Length * 7) + 4;

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
