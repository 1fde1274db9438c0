using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>
/// Binds as a user without privileges. A process that has none binds itself, through the native layer. A root process on
/// Linux cannot give its rights up and take them back, so the probe binds in a child dropped to nobody: the route of
/// <see cref="LinuxSandbox.AsUserNobody"/> in this network namespace.
/// </summary>
public static class Unprivileged
{
    private static readonly LinuxSandbox AsNobody = LinuxSandbox.ThisNetworkNamespace().AsUserNobody();

    /// <summary>Why this machine cannot bind as an unprivileged user, or null when it can.</summary>
    public static string? MissingCapability =>
        !Environment.IsPrivilegedProcess ? null
        : OperatingSystem.IsLinux() ? AsNobody.MissingCapability
        : "this process is privileged and can drop its rights only through setpriv, which is Linux's";

    /// <summary>Who binds: this process, or a child dropped to nobody.</summary>
    public static string Who => Environment.IsPrivilegedProcess ? $"a child process as uid {LinuxSandbox.Nobody} (setpriv)" : "this process, which is not privileged";

    /// <summary>Binds a fresh TCP or UDP socket to the address and port as an unprivileged user and returns what the OS answered.</summary>
    public static Outcome Bind(Transport transport, IPAddress address, int port)
    {
        if (MissingCapability is { } missing)
        {
            throw new InvalidOperationException($"Cannot bind unprivileged here: {missing}");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            using var socket = NativeSocket.Open(transport, address);
            return socket.Bind(address, port);
        }

        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return AsNobody.Probe($"{transport.ToString().ToLowerInvariant()} {host}:{port}")[1].Outcome;
    }
}
