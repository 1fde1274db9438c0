using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;
using BindingBehaviour.Results;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;
using static BindingBehaviour.Sources;

namespace BindingBehaviour.Tests.Claims;

// Topic 11: who may bind a port below 1024. Ports are found by probing (from 1023 down, or from the first unprivileged
// port up) and never fixed: a port that is taken is skipped, any other answer is the observation.

[Claim("root-binds-below-1024", "privileged-ports",
    "A privileged process (root, or on Linux one with CAP_NET_BIND_SERVICE) may bind a port below 1024 on every OS.")]
public sealed class Root_binds_below_1024(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        IpMan + ": only a process with CAP_NET_BIND_SERVICE \"may bind(2) to these sockets\", and root has it; "
            + LinuxAfInet + ", __inet_bind() checks inet_port_requires_bind_service() against ns_capable()")]
    [Expect(Os.Windows, "ok", NoPrivilegedPortsOnWindows)]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): a port below IPPORT_RESERVED needs PRIV_NETINET_RESERVEDPORT, which root holds")]
    [Needs(Capability.Root)]
    public void Native()
    {
        Observe(Privileged.FirstNotTaken(Privileged.Below(1024), port =>
        {
            using var socket = NativeSocket.Open(Transport.Tcp, Loopback);
            return socket.Bind(Loopback, port);
        }));
    }

    [ClaimFact(Layer.Managed)]
    [Expect(Os.Linux, "ok", IpMan + ": CAP_NET_BIND_SERVICE, which root has; .NET adds no check of its own")]
    [Expect(Os.Windows, "ok", NoPrivilegedPortsOnWindows)]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): root holds PRIV_NETINET_RESERVEDPORT")]
    [Needs(Capability.Root)]
    public void Managed()
    {
        Observe(Privileged.FirstNotTaken(Privileged.Below(1024), port =>
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            return Listeners.Start(listener);
        }));
    }
}

[Claim("unprivileged-refused-below-1024-on-loopback", "privileged-ports",
    "A process without privileges may not bind 127.0.0.1 below the first unprivileged port (1024 unless "
        + "net.ipv4.ip_unprivileged_port_start says otherwise) on Linux and macOS: the bind is refused with permission "
        + "denied. Windows has no privileged ports.")]
public sealed class Unprivileged_refused_below_1024_on_loopback(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AccessDenied",
        IpMan + ": ports below 1024 need CAP_NET_BIND_SERVICE; " + IpSysctl + ", ip_unprivileged_port_start (default "
            + "1024); " + LinuxAfInet + ", __inet_bind() returns -EACCES before any conflict check")]
    [Expect(Os.Windows, "ok", NoPrivilegedPortsOnWindows)]
    [Expect(Os.MacOS, "bind:AccessDenied",
        XnuInPcb + ", in_pcbbind(): under XNU_TARGET_OS_OSX a port below IPPORT_RESERVED on a non-wildcard address "
            + "needs PRIV_NETINET_RESERVEDPORT, else EACCES")]
    [Needs(Capability.BindAsNobody)]
    public void Native()
    {
        var start = Privileged.FirstUnprivilegedPort();
        Require(start > 1, $"net.ipv4.ip_unprivileged_port_start is {start}: no port is privileged here");

        Observe(Privileged.FirstNotTaken(Privileged.Below(start), port => Unprivileged.Bind(Transport.Tcp, Loopback, port)),
            $"bound by {Unprivileged.Who} below port {start}");
    }
}

[Claim("unprivileged-wildcard-below-1024", "privileged-ports",
    "On the wildcard address the OSes part ways: Linux refuses a process without privileges any port below the first "
        + "unprivileged one, while macOS 10.14 and later let it bind 0.0.0.0 below 1024 (only specific addresses stay "
        + "reserved), and Windows has no privileged ports.")]
public sealed class Unprivileged_wildcard_below_1024(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "bind:AccessDenied",
        LinuxAfInet + ", __inet_bind(): inet_port_requires_bind_service() looks at the port only, not the address; "
            + IpMan)]
    [Expect(Os.Windows, "ok", NoPrivilegedPortsOnWindows)]
    [Expect(Os.MacOS, "ok",
        XnuInPcb + ", in_pcbbind(): the reserved-port check applies only when sin_addr != INADDR_ANY (macOS 10.14 and "
            + "later); zameermanji.com \"Binding to privileged ports without root on macOS\" (2024)")]
    [Needs(Capability.BindAsNobody)]
    public void Native()
    {
        var start = Privileged.FirstUnprivilegedPort();
        Require(start > 1, $"net.ipv4.ip_unprivileged_port_start is {start}: no port is privileged here");

        Observe(Privileged.FirstNotTaken(Privileged.Below(start), port => Unprivileged.Bind(Transport.Tcp, Any, port)),
            $"bound by {Unprivileged.Who} below port {start}");
    }
}

[Claim("unprivileged-binds-from-the-first-unprivileged-port", "privileged-ports",
    "From the first unprivileged port up (1024 by default; on Linux net.ipv4.ip_unprivileged_port_start, where 0 means "
        + "no port is privileged) a process without privileges binds like anyone else.")]
public sealed class Unprivileged_binds_from_the_first_unprivileged_port(ITestOutputHelper output) : ClaimTest(output)
{
    [ClaimFact(Layer.Native)]
    [Expect(Os.Linux, "ok",
        IpSysctl + ", ip_unprivileged_port_start: \"This is a per-namespace sysctl. It defines the first unprivileged "
            + "port in the network namespace\"; " + LinuxAfInet + ", inet_port_requires_bind_service()")]
    [Expect(Os.Windows, "ok", NoPrivilegedPortsOnWindows)]
    [Expect(Os.MacOS, "ok", XnuInPcb + ", in_pcbbind(): only ports below IPPORT_RESERVED (1024) are checked")]
    [Needs(Capability.BindAsNobody)]
    public void Native()
    {
        var start = Math.Max(1, Privileged.FirstUnprivilegedPort());

        Observe(Privileged.FirstNotTaken(Enumerable.Range(start, 50), port => Unprivileged.Bind(Transport.Tcp, Loopback, port)),
            $"bound by {Unprivileged.Who} from port {start} up");
    }
}

/// <summary>Where the privileged ports end on this machine, and how a claim finds a port there that nobody holds.</summary>
internal static class Privileged
{
    /// <summary>Linux: net.ipv4.ip_unprivileged_port_start (per network namespace, since 4.11). Elsewhere IPPORT_RESERVED, 1024.</summary>
    public static int FirstUnprivilegedPort() =>
        RunEnvironment.ReadSysctl("net.ipv4.ip_unprivileged_port_start") is { } value
            ? int.Parse(value, CultureInfo.InvariantCulture)
            : 1024;

    /// <summary>Ports counting down from just below <paramref name="limit"/> (and below 1024), a hundred at most.</summary>
    public static IEnumerable<int> Below(int limit)
    {
        var first = Math.Min(limit, 1024) - 1;
        return Enumerable.Range(Math.Max(1, first - 99), Math.Min(100, first)).Reverse();
    }

    /// <summary>
    /// Tries the ports in order and returns the first answer that is not "address in use": another program's port is
    /// skipped, not observed.
    /// </summary>
    public static Outcome FirstNotTaken(IEnumerable<int> ports, Func<int, Outcome> bind)
    {
        var outcome = Outcome.Ok;
        foreach (var port in ports)
        {
            outcome = bind(port);
            if (outcome.Error != SocketError.AddressAlreadyInUse)
            {
                return outcome;
            }
        }

        return outcome;
    }
}
