using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// The words of the matrix and the probe, as the TSV writes them: layers, protocols, states, and the one table of option
/// words per layer, from which the TSV's option column, the probe's option tokens and their parsers all derive.
/// </summary>
public static class MatrixWords
{
    /// <summary>The native options in the TSV's order; each flag is the bit of its <see cref="NativeOption"/>.</summary>
    public static IReadOnlyList<OptionWord> NativeOptionWords { get; } =
    [
        Native(NativeOption.ReuseAddress, "REUSEADDR"),
        Native(NativeOption.ReusePort, "REUSEPORT"),
        Native(NativeOption.ExclusiveAddressUse, "EXCLUSIVEADDRUSE"),
        Native(NativeOption.V6Only, "V6ONLY"),
    ];

    /// <summary>The managed options in the TSV's order, named as the C# a user writes names them.</summary>
    public static IReadOnlyList<OptionWord> ManagedOptionWords { get; } =
    [
        new((int)ManagedOptions.ReuseAddress, nameof(ManagedOptions.ReuseAddress)),
        new((int)ManagedOptions.ExclusiveAddressUse, nameof(ManagedOptions.ExclusiveAddressUse)),
        new((int)ManagedOptions.DualMode, nameof(ManagedOptions.DualMode)),
    ];

    public static IReadOnlyList<OptionWord> OptionWords(Layer layer) =>
        layer == BindingBehaviour.Layer.Native ? NativeOptionWords : ManagedOptionWords;

    public static string Layer(Layer layer) => layer == BindingBehaviour.Layer.Native ? "native" : "managed";

    public static string Proto(Transport transport) => transport == Transport.Tcp ? "tcp" : "udp";

    public static string State(bool listening) => listening ? "listening" : "bound";

    /// <summary>The TSV's option column: <c>REUSEADDR+V6ONLY</c>, or <c>-</c> for none.</summary>
    public static string Options(Layer layer, int options) =>
        options == 0 ? "-" : string.Join('+', OptionWords(layer).Where(w => (options & w.Flag) != 0).Select(w => w.Word));

    /// <summary>
    /// Parses the TSV's option column. A <c>+</c>-joined list must be in the canonical order, so that every set has one
    /// spelling; null for anything else.
    /// </summary>
    public static int? ParseOptions(Layer layer, string text)
    {
        if (text == "-")
        {
            return 0;
        }

        var words = OptionWords(layer);
        var bits = 0;
        var next = 0;
        foreach (var part in text.Split('+'))
        {
            var index = IndexOf(words, w => w.Word == part);
            if (index < next)
            {
                return null;
            }

            bits |= words[index].Flag;
            next = index + 1;
        }

        return bits;
    }

    /// <summary>The probe's tokens of a socket's options, in the table's order: <c>+reuseaddr +v6only</c>.</summary>
    public static string OptionTokens(Layer layer, int options) =>
        string.Join(' ', OptionWords(layer).Where(w => (options & w.Flag) != 0).Select(w => w.Token));

    /// <summary>The flag of a probe token (<c>+reuseaddr</c>) in a layer, or null when that layer has no such option.</summary>
    public static int? ParseOptionToken(Layer layer, string token) =>
        OptionWords(layer).FirstOrDefault(w => w.Token == token)?.Flag;

    private static OptionWord Native(NativeOption option, string word) => new(1 << (int)option, word);

    private static int IndexOf(IReadOnlyList<OptionWord> words, Func<OptionWord, bool> match)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (match(words[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
