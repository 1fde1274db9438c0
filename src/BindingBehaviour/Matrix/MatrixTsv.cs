using System.Text;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// The matrix as TSV, one cell per row, in <see cref="MatrixLayout"/>'s fixed order, LF line endings, UTF-8:
/// <code>layer	proto_a	addr_a	opts_a	state_a	proto_b	addr_b	opts_b	state_b	outcome</code>
/// <list type="bullet">
/// <item><c>layer</c>: <c>native</c> or <c>managed</c>; <c>proto_*</c>: <c>tcp</c> or <c>udp</c>;</item>
/// <item><c>addr_*</c>: <c>0.0.0.0</c>, <c>127.0.0.1</c>, <c>127.0.0.2</c>, <c>[::]</c>, <c>[::1]</c>, <c>[::ffff:0.0.0.0]</c>,
/// <c>[::ffff:127.0.0.1]</c>;</item>
/// <item><c>opts_*</c>: <c>-</c>, or <c>+</c>-joined in order; native: <c>REUSEADDR</c>, <c>REUSEPORT</c>,
/// <c>EXCLUSIVEADDRUSE</c>, <c>V6ONLY</c>; managed: <c>ReuseAddress</c>, <c>ExclusiveAddressUse</c>, <c>DualMode</c>;</item>
/// <item><c>state_*</c>: <c>bound</c> or <c>listening</c> (tcp only): A listens before B binds; B binds, then listens;</item>
/// <item><c>outcome</c>: <c>ok</c>; <c>STEP:SocketError</c> when B is refused (<c>bind:AddressAlreadyInUse</c>,
/// <c>listen:AddressAlreadyInUse</c>); <c>first:STEP:SocketError</c> when socket A itself is refused.</item>
/// </list>
/// Cells this machine could not run (no 127.0.0.2, no IPv6) are left out, so the file lists observations only.
/// </summary>
public static class MatrixTsv
{
    public const string Header = "layer\tproto_a\taddr_a\topts_a\tstate_a\tproto_b\taddr_b\topts_b\tstate_b\toutcome";

    /// <summary>The file name of a run's export: <c>&lt;run name&gt;-&lt;layer&gt;.tsv</c>, such as <c>linux-6.1.176-native.tsv</c> (see <see cref="Results.RunName"/>).</summary>
    public static string FileName(string runName, Layer layer) => $"{runName}-{MatrixWords.Layer(layer)}.tsv";

    public static string OsWord(Os os) => Results.RunName.OsWord(os);

    /// <summary>Writes the cells that ran, with their observed outcomes.</summary>
    public static string Export(MatrixRun run) =>
        Export(run.Layout, i => run.Skipped[i] is null ? run.Observed[i] : null);

    /// <summary>Writes the model's prediction for every cell of a layout (what an OS is expected to answer).</summary>
    public static string ExportPredicted(MatrixLayout layout) =>
        Export(layout, i => DotNetOptionMapping.Predict(layout, layout.Cells[i]));

    public static string Export(MatrixLayout layout, Func<int, CellOutcome?> outcome)
    {
        var text = new StringBuilder(layout.Cells.Count * 72);
        text.Append(Header).Append('\n');
        foreach (var cell in layout.Cells)
        {
            if (outcome(cell.Index) is not { } value)
            {
                continue;
            }

            text.Append(Key(layout.Layer, cell.A, cell.B)).Append('\t').Append(value.Code).Append('\n');
        }

        return text.ToString();
    }

    public static string Key(Layer layer, MatrixConfig a, MatrixConfig b) =>
        $"{MatrixWords.Layer(layer)}\t{Columns(layer, a)}\t{Columns(layer, b)}";

    private static string Columns(Layer layer, MatrixConfig config) =>
        $"{MatrixWords.Proto(config.Transport)}\t{config.Address.Text}\t{MatrixWords.Options(layer, config.Options)}\t{MatrixWords.State(config.Listening)}";

    /// <summary>Parses a TSV and checks its header and every word; throws <see cref="FormatException"/> naming the line.</summary>
    public static IReadOnlyList<MatrixRow> Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines[0] != Header)
        {
            throw new FormatException($"line 1: the header must be exactly \"{Header.Replace("\t", "\\t", StringComparison.Ordinal)}\"");
        }

        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the file must end with a line feed");
        }

        var rows = new List<MatrixRow>(lines.Length);
        for (var i = 1; i < lines.Length - 1; i++)
        {
            rows.Add(ParseRow(lines[i], i + 1));
        }

        return rows;
    }

    private static MatrixRow ParseRow(string line, int number)
    {
        var fields = line.Split('\t');
        if (fields.Length != 10)
        {
            throw new FormatException($"line {number}: {fields.Length} columns, expected 10");
        }

        Layer layer = fields[0] switch
        {
            "native" => Layer.Native,
            "managed" => Layer.Managed,
            _ => throw new FormatException($"line {number}: layer \"{fields[0]}\" is neither native nor managed"),
        };
        var a = ParseConfig(layer, fields.AsSpan(1, 4), number, "a");
        var b = ParseConfig(layer, fields.AsSpan(5, 4), number, "b");
        if (!CellOutcome.TryParse(fields[9], out _))
        {
            throw new FormatException($"line {number}: outcome \"{fields[9]}\" is not ok, STEP:SocketError or first:STEP:SocketError");
        }

        return new MatrixRow(layer, a, b, fields[9]);
    }

    private static MatrixConfig ParseConfig(Layer layer, ReadOnlySpan<string> fields, int number, string side)
    {
        Transport transport = fields[0] switch
        {
            "tcp" => Transport.Tcp,
            "udp" => Transport.Udp,
            _ => throw new FormatException($"line {number}: proto_{side} \"{fields[0]}\" is neither tcp nor udp"),
        };
        var address = MatrixAddress.Parse(fields[1])
            ?? throw new FormatException($"line {number}: addr_{side} \"{fields[1]}\" is not one of the matrix addresses");
        var options = MatrixWords.ParseOptions(layer, fields[2])
            ?? throw new FormatException($"line {number}: opts_{side} \"{fields[2]}\" is not a {MatrixWords.Layer(layer)} option list in canonical order");
        var variant = MatrixLayout.IPv6Variant(layer);
        if (!address.IsIPv6 && (options & variant) != 0)
        {
            throw new FormatException($"line {number}: opts_{side} \"{fields[2]}\" names an IPv6 option on an IPv4 address");
        }

        var listening = fields[3] switch
        {
            "bound" => false,
            "listening" when transport == Transport.Tcp => true,
            _ => throw new FormatException($"line {number}: state_{side} \"{fields[3]}\" is not bound, or listening for tcp"),
        };
        return new MatrixConfig(transport, address, options, listening);
    }

    /// <summary>
    /// The canonical order of configurations (as <see cref="MatrixLayout"/> enumerates them): address, then the IPv6
    /// variant (V6ONLY or DualMode) off before on, then the option bits, then bound before listening.
    /// </summary>
    public static (int, int, int, int, int) SortKey(Layer layer, MatrixConfig config)
    {
        var variant = MatrixLayout.IPv6Variant(layer);
        return ((int)config.Transport, config.Address.Index, (config.Options & variant) != 0 ? 1 : 0, config.Options & ~variant, config.Listening ? 1 : 0);
    }
}
