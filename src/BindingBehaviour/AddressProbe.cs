using System.Collections.Concurrent;
using System.Net;
using BindingBehaviour.Matrix;
using BindingBehaviour.Native;

namespace BindingBehaviour;

/// <summary>
/// Finds out by trying whether this machine can bind an address (IPv6 loopback, 127.0.0.2 ...), so that a claim
/// needing it skips with a reason instead of guessing from the OS name. Each answer is probed once per run.
/// </summary>
public static class AddressProbe
{
    private static readonly ConcurrentDictionary<IPAddress, bool> Answers = new();

    /// <summary>True when a UDP socket can bind the address on an ephemeral port.</summary>
    public static bool CanBind(IPAddress address) => Answers.GetOrAdd(address, static a =>
    {
        // IPV6_V6ONLY stays at the OS default: the question is the address, not dual-stack.
        var setup = new NativeSetup(Transport.Udp, NativeOptions.None) { LeaveV6OnlyDefault = true };
        var outcome = NativeDescriptor.OpenBound(setup, new IPEndPoint(a, 0), out var socket);
        socket.Dispose();
        return outcome.Succeeded;
    });

    /// <summary>True when this machine has IPv6 and its loopback [::1].</summary>
    public static bool HasIpv6Loopback => CanBind(IPAddress.IPv6Loopback);

    public const string NoIpv6Loopback = "This machine has no IPv6 loopback: a socket cannot bind [::1]:0.";
}
