using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// The native options a matrix socket can carry: one bit per <see cref="NativeOption"/>, the bit of the option's number,
/// so the flag set and the setsockopt option are one thing (<see cref="MatrixWords.NativeOptionWords"/> gives each its
/// word). The TSV writes them <c>+</c>-joined in this order: REUSEADDR, REUSEPORT, EXCLUSIVEADDRUSE, V6ONLY, or <c>-</c>
/// for none. An IPv6 socket without V6ONLY has IPV6_V6ONLY set to 0 explicitly, whatever the OS default (Linux
/// net.ipv6.bindv6only, Windows 1, macOS 0).
/// </summary>
[Flags]
public enum NativeOptions
{
    None = 0,
    ReuseAddress = 1 << (int)NativeOption.ReuseAddress,
    ReusePort = 1 << (int)NativeOption.ReusePort,
    ExclusiveAddressUse = 1 << (int)NativeOption.ExclusiveAddressUse,
    V6Only = 1 << (int)NativeOption.V6Only,
}
