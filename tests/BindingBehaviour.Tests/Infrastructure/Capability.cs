using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using BindingBehaviour.KernelTables;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>What a claim's test may need from the machine that runs it. <see cref="Capabilities.WhyMissing"/> finds out by trying.</summary>
public enum Capability
{
    /// <summary>IPv6 sockets can be created.</summary>
    Ipv6,

    /// <summary>A socket can bind [::1].</summary>
    Ipv6Loopback,

    /// <summary>A socket can bind 127.0.0.2 (macOS lo0 has only 127.0.0.1 unless an alias is added).</summary>
    SecondLoopback,

    UnixDomainSockets,
    ReusePort,
    FreeBind,
    V6FreeBind,
    ExclusiveAddressUse,

    /// <summary>This process is root (on Windows: elevated).</summary>
    Root,

    /// <summary>The process's descriptors can be listed in /proc/self/fd.</summary>
    ProcSelfFd,

    /// <summary>The kernel's socket tables can be read with BPF iterators (<see cref="KernelTableReader"/>).</summary>
    KernelTables,

    /// <summary>A thread of this process can enter a network namespace of its own (<see cref="NetworkNamespaceThread"/>).</summary>
    NetworkNamespaceThread,

    /// <summary>A bind can be made as an unprivileged user (<see cref="Unprivileged"/>).</summary>
    BindAsNobody,

    LoopbackMulticast,
    LoopbackBroadcast,
}

/// <summary>
/// Declares what a claim's test needs; it is checked before the body runs, and when it is missing the test skips with
/// the reason (recorded for the docs). A claim may give its own reason, to say what the missing capability means for it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class NeedsAttribute(Capability capability, string? reason = null) : Attribute
{
    public Capability Capability { get; } = capability;

    public string? Reason { get; } = reason;

    /// <summary>Why this machine cannot run the test, or null when it has what it needs.</summary>
    public string? WhyMissing() => Capabilities.WhyMissing(Capability) is { } missing ? Reason ?? missing : null;
}

/// <summary>The capability checks: each tries the thing once per run instead of guessing from the OS name.</summary>
public static class Capabilities
{
    private static readonly ConcurrentDictionary<IPAddress, bool> Bindable = new();

    private static readonly bool HasProcSelfFd = Directory.Exists("/proc/self/fd");

    /// <summary>The second loopback address, 127.0.0.2: Linux routes all of 127/8 to lo, macOS only 127.0.0.1.</summary>
    public static readonly IPAddress SecondLoopback = IPAddress.Parse("127.0.0.2");

    /// <summary>True when a UDP socket can bind the address on an ephemeral port, asked once per address and run.</summary>
    private static bool CanBind(IPAddress address) =>
        // IPV6_V6ONLY stays at the OS default: the question is the address, not dual-stack.
        Bindable.GetOrAdd(address, static a => MatrixCapabilities.TryBind(a, leaveV6OnlyDefault: true).Succeeded);

    /// <summary>Why this machine lacks <paramref name="capability"/>, in one sentence; null when it has it.</summary>
    public static string? WhyMissing(Capability capability) => capability switch
    {
        Capability.Ipv6 => Socket.OSSupportsIPv6 ? null : "this machine cannot create IPv6 sockets",
        Capability.Ipv6Loopback => CanBind(IPAddress.IPv6Loopback)
            ? null
            : "This machine has no IPv6 loopback: a socket cannot bind [::1]:0.",
        Capability.SecondLoopback => CanBind(SecondLoopback)
            ? null
            : "127.0.0.2 cannot be bound here (macOS lo0 has only 127.0.0.1 unless an alias is added).",
        Capability.UnixDomainSockets => Socket.OSSupportsUnixDomainSockets ? null : "this OS has no AF_UNIX sockets",
        Capability.ReusePort => NativeNumbers.Exists(NativeOption.ReusePort) ? null : "This OS has no SO_REUSEPORT.",
        Capability.FreeBind => NativeNumbers.Exists(NativeOption.FreeBind) ? null : "This OS has no IP_FREEBIND.",
        Capability.V6FreeBind => NativeNumbers.Exists(NativeOption.V6FreeBind) ? null : "This OS has no IPV6_FREEBIND.",
        Capability.ExclusiveAddressUse => NativeNumbers.Exists(NativeOption.ExclusiveAddressUse)
            ? null
            : "This OS has no SO_EXCLUSIVEADDRUSE.",
        Capability.Root => Environment.IsPrivilegedProcess ? null : "this process is not root (on Windows: not elevated)",
        Capability.ProcSelfFd => HasProcSelfFd ? null : "this OS has no /proc/self/fd (only Linux lists a process's descriptors there)",
        Capability.KernelTables => KernelTableReader.WhyUnavailable,
        Capability.NetworkNamespaceThread => NetworkNamespaceThread.MissingCapability,
        Capability.BindAsNobody => Unprivileged.MissingCapability,
        Capability.LoopbackMulticast => LoopbackMulticast.MissingCapability,
        Capability.LoopbackBroadcast => LoopbackBroadcast.MissingCapability,
        _ => throw new ArgumentOutOfRangeException(nameof(capability), capability, null),
    };
}
