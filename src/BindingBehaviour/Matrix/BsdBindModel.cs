using System.Net;
using System.Net.Sockets;
using BindingBehaviour.Native;

namespace BindingBehaviour.Matrix;

/// <summary>
/// macOS (and the BSD rules it inherits), read from XNU (apple-oss-distributions/xnu): <c>in_pcbbind()</c> and
/// <c>in_pcblookup_local()</c> in bsd/netinet/in_pcb.c, <c>in6_pcbbind()</c> and <c>in6_pcblookup_local()</c> in
/// bsd/netinet6/in6_pcb.c, <c>tcp6_usr_bind()</c> / <c>udp6_bind()</c> for the v4-mapped hand-over. Derived from source;
/// no macOS run has checked it yet. Same user (the uid block only applies between different non-root users), no
/// multicast, no Skywalk port reservations (<c>netns_reserve_in()</c>, not modelled).
/// </summary>
public sealed class BsdBindModel : BindModel
{
    public static readonly BsdBindModel Instance = new();

    private BsdBindModel()
    {
    }

    public override Os Os => Os.OSX;

    public override string Title => "macOS: XNU in_pcbbind / in6_pcbbind (BSD rules)";

    public override NativeOptions Supported => NativeOptions.ReuseAddr | NativeOptions.ReusePort | NativeOptions.V6Only;

    public override string Description => """
        **macOS** (XNU, BSD rules) looks up the port in the protocol's PCB table when a socket binds, and only the **new**
        socket's options decide how wide the lookup is:

        - Without SO_REUSEADDR or SO_REUSEPORT on the new socket, the lookup is *wild*: any existing socket whose address
          overlaps (the same address, or either one a wildcard) is found. With either option, only a socket on the
          *identical* address is found, so a wildcard and a specific address coexist whatever the other socket set.
        - A found socket refuses the bind (`EADDRINUSE`) unless **both** have SO_REUSEPORT (`(reuseport &
          t->inp_socket->so_options) == 0` → refused). So an exact duplicate needs SO_REUSEPORT on both; SO_REUSEADDR
          never allows one (unicast).
        - The listen state is never looked at; `listen()` does not check the port again.
        - IPv4 and IPv6: an AF_INET socket, a dual-stack `[::]` and a socket bound to a v4-mapped address are in the IPv4
          lookup (`INP_IPV4`); `[::]`, `[::1]` and V6ONLY sockets are in the IPv6 lookup (`INP_IPV6`). A dual-stack `[::]`
          checks both. `in_pcbbind()` and `in6_pcbbind()` let two *wildcards* coexist when both sockets are AF_INET6, and
          `in6_pcbbind()` lets a dual-stack `[::]` join an AF_INET `0.0.0.0` (but not the reverse): the IPv4 check of a new
          `[::]` only refuses when the existing socket's IPv4 address is specific or it is an AF_INET6 socket too.
        - A v4-mapped address is bound as IPv4 by `tcp6_usr_bind()`/`udp6_bind()`; on a V6ONLY socket it goes to
          `in6_pcbbind()`, which finds no interface with that address: `EADDRNOTAVAIL`.
        - TCP and UDP have separate tables (`tcbinfo`, `udbinfo`).

        Sources: apple-oss-distributions/xnu bsd/netinet/in_pcb.c, bsd/netinet6/in6_pcb.c, bsd/netinet/tcp_usrreq.c;
        the Stack Overflow answer by Mecki on SO_REUSEADDR and SO_REUSEPORT (BSD column); OpenBSD regress
        sys/netinet/in_pcbbind. Derived from source, not from a run: the rules page shows how a macOS export compares. Not modelled: Skywalk's
        `netns_reserve_in()` port reservations, and different users.
        """;

    public override CellOutcome Bind(SocketSpec socket, IReadOnlyList<SocketSpec> bound)
    {
        var mappedAsIPv4 = socket.IsIPv6 && IsV4Mapped(socket.Address);
        if (mappedAsIPv4 && socket.V6Only)
        {
            // in6_pcbbind(): ifa_ifwithaddr() finds no interface with a v4-mapped address.
            return CellOutcome.Refused(Step.Bind, SocketError.AddressNotAvailable);
        }

        var wild = !socket.ReuseAddr && !socket.ReusePort;
        var inUse = !socket.IsIPv6 || mappedAsIPv4
            ? InPcbBind(socket, mappedAsIPv4 ? socket.Address.MapToIPv4() : socket.Address, wild, bound)
            : In6PcbBind(socket, wild, bound);
        return inUse ? CellOutcome.Refused(Step.Bind, SocketError.AddressAlreadyInUse) : CellOutcome.Ok;
    }

    /// <summary>tcp_usr_listen() only binds an unbound socket; a bound one is never checked again.</summary>
    public override CellOutcome Listen(SocketSpec socket, IReadOnlyList<SocketSpec> others) =>
        socket.Transport == Transport.Udp ? CellOutcome.Refused(Step.Listen, SocketError.OperationNotSupported) : CellOutcome.Ok;

    /// <summary>
    /// in_pcbbind(): <c>t = in_pcblookup_local(pcbinfo, addr, lport, wild); if (t != NULL &amp;&amp; (reuseport &amp;
    /// t->so_options) == 0)</c> refuse, unless <c>addr</c> and <c>t->inp_laddr</c> are both INADDR_ANY and both sockets are
    /// PF_INET6.
    /// </summary>
    private static bool InPcbBind(SocketSpec socket, IPAddress address, bool wild, IReadOnlyList<SocketSpec> bound)
    {
        foreach (var t in bound)
        {
            if (t.Transport != socket.Transport || LocalIPv4(t) is not { } taken || !Matches(address, taken, wild, IPAddress.Any))
            {
                continue;
            }

            if (!(socket.ReusePort && t.ReusePort)
                && (!address.Equals(IPAddress.Any) || !taken.Equals(IPAddress.Any) || !socket.IsIPv6 || !t.IsIPv6))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// in6_pcbbind(): the IPv6 lookup (<c>(reuseport &amp; t->so_options) == 0</c> → refused), then for a dual-stack
    /// <c>[::]</c> the IPv4 lookup of INADDR_ANY, refused only when also <c>(t->inp_laddr.s_addr != INADDR_ANY ||
    /// SOCK_DOM(so) == SOCK_DOM(t->inp_socket))</c>.
    /// </summary>
    private static bool In6PcbBind(SocketSpec socket, bool wild, IReadOnlyList<SocketSpec> bound)
    {
        foreach (var t in bound)
        {
            if (t.Transport != socket.Transport || socket.ReusePort && t.ReusePort)
            {
                continue;
            }

            if (LocalIPv6(t) is { } taken6 && Matches(socket.Address, taken6, wild, IPAddress.IPv6Any))
            {
                return true;
            }

            var dualStackWildcard = !socket.V6Only && socket.Address.Equals(IPAddress.IPv6Any);
            if (dualStackWildcard && LocalIPv4(t) is { } taken4 && Matches(IPAddress.Any, taken4, wild, IPAddress.Any)
                && (!taken4.Equals(IPAddress.Any) || t.IsIPv6))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>in_pcblookup_local(): exact match without wild; with wild, also a wildcard on either side.</summary>
    private static bool Matches(IPAddress wanted, IPAddress taken, bool wild, IPAddress any) =>
        wanted.Equals(taken) || (wild && (wanted.Equals(any) || taken.Equals(any)));

    /// <summary>
    /// The socket's IPv4 local address if it is in the IPv4 lookup (INP_IPV4): AF_INET sockets, a dual-stack [::]
    /// (tcp6_usr_bind(): "if (IN6_IS_ADDR_UNSPECIFIED) inp->inp_vflag |= INP_IPV4"), and v4-mapped binds.
    /// </summary>
    private static IPAddress? LocalIPv4(SocketSpec socket)
    {
        if (!socket.IsIPv6)
        {
            return socket.Address;
        }

        if (socket.V6Only)
        {
            return null;
        }

        return socket.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Any
            : IsV4Mapped(socket.Address) ? socket.Address.MapToIPv4()
            : null;
    }

    /// <summary>The socket's IPv6 local address if it is in the IPv6 lookup (INP_IPV6): AF_INET6 sockets not bound as IPv4.</summary>
    private static IPAddress? LocalIPv6(SocketSpec socket) =>
        socket.IsIPv6 && !(IsV4Mapped(socket.Address) && !socket.V6Only) ? socket.Address : null;
}
