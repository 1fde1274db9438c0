namespace BindingBehaviour.Native;

/// <summary>
/// The socket options the atlas sets natively; <see cref="NativeNumbers.Option"/> gives their per-OS numbers. The first
/// four are the matrix's options: <see cref="Matrix.NativeOptions"/> has one bit per option, the bit of its number here,
/// and <see cref="Matrix.MatrixWords.NativeOptionWords"/> their words.
/// </summary>
public enum NativeOption
{
    /// <summary>SO_REUSEADDR.</summary>
    ReuseAddress,

    /// <summary>SO_REUSEPORT (Linux, macOS).</summary>
    ReusePort,

    /// <summary>SO_EXCLUSIVEADDRUSE (Windows).</summary>
    ExclusiveAddressUse,

    /// <summary>IPV6_V6ONLY.</summary>
    V6Only,

    /// <summary>Linux IP_FREEBIND: bind an IPv4 address this machine does not (yet) have.</summary>
    FreeBind,

    /// <summary>Linux IPV6_FREEBIND: the same for IPv6.</summary>
    V6FreeBind,

    /// <summary>Linux IP_LOCAL_PORT_RANGE (6.3+): narrows the ephemeral range for one socket; value (high &lt;&lt; 16) | low.</summary>
    LocalPortRange,
}
