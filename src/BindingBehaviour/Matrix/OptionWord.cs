namespace BindingBehaviour.Matrix;

/// <summary>
/// One option of a layer's vocabulary: its bit in <see cref="NativeOptions"/> or <see cref="ManagedOptions"/>, the word
/// the TSV writes (<c>REUSEADDR</c>, <c>ReuseAddress</c>) and the probe's token, which is that word in lower case after
/// a <c>+</c> (<c>+reuseaddr</c>, <c>+reuseaddress</c>).
/// </summary>
public sealed record OptionWord(int Flag, string Word)
{
    public string Token { get; } = "+" + Word.ToLowerInvariant();
}
