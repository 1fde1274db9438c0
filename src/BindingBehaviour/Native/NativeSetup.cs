using BindingBehaviour.Matrix;

namespace BindingBehaviour.Native;

/// <summary>
/// How one native socket is set up around its bind, for
/// <see cref="NativeDescriptor.OpenBound(in NativeSetup, in NativeEndPoint, out NativeDescriptor)"/>: the options of the
/// matrix vocabulary in the TSV's order (REUSEADDR, REUSEPORT, EXCLUSIVEADDRUSE); on an IPv6 socket IPV6_V6ONLY set
/// explicitly, 1 with V6ONLY and 0 without, whatever the OS default, unless <see cref="LeaveV6OnlyDefault"/>; then
/// IP_FREEBIND or IPV6_FREEBIND when <see cref="FreeBind"/>; then bind; then listen when <see cref="Listen"/>.
/// </summary>
public readonly record struct NativeSetup(Transport Transport, NativeOptions Options, bool Listen = false)
{
    /// <summary>Leaves IPV6_V6ONLY at the OS default (Linux: net.ipv6.bindv6only) instead of setting it.</summary>
    public bool LeaveV6OnlyDefault { get; init; }

    /// <summary>Sets IP_FREEBIND (IPv4) or IPV6_FREEBIND (IPv6) after the options, before bind.</summary>
    public bool FreeBind { get; init; }
}
