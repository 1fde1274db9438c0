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
public sealed class MacOSBindModel : BindModel
{
    public static readonly MacOSBindModel Instance = new();

    private MacOSBindModel()
    {
    }

    public override Os Os => Os.MacOS;

    public override string Title => "macOS: XNU in_pcbbind / in6_pcbbind (BSD rules)";

    public override NativeOptions Supported => NativeOptions.ReuseAddress | NativeOptions.ReusePort | NativeOptions.V6Only;

    public override string Description => """
        **macOS** (XNU, BSD rules) looks up the port in the protocol's PCB table when a socket binds. The lookup
        (`in_pcblookup_local()`, `in6_pcblookup_local()`) returns **one** socket, not every socket on the port, and
        only the **new** socket's options decide how it searches:

        - Without SO_REUSEADDR or SO_REUSEPORT on the new socket the lookup is *wild*: it returns the best fit, a socket
          on the identical address if there is one, else one whose address overlaps through a wildcard (either side),
          the newest first. With either option it returns only a socket on the *identical* address, so a wildcard and
          a specific address coexist whatever the other socket set.
        - The one socket found refuses the bind (`EADDRINUSE`) unless **both** have SO_REUSEPORT (`(reuseport &
          t->inp_socket->so_options) == 0` → refused). So an exact duplicate needs SO_REUSEPORT on both; SO_REUSEADDR
          never allows one (unicast). With three or more sockets, a socket the lookup does not return is not judged:
          the answer can differ from "refused if any held socket conflicts".
        - The listen state is never looked at; `listen()` does not check the port again.
        - IPv4 and IPv6: an AF_INET socket, a dual-stack `[::]` and a socket bound to a v4-mapped address are in the IPv4
          lookup (`INP_IPV4`); `[::]`, `[::1]` and V6ONLY sockets are in the IPv6 lookup (`INP_IPV6`). A new dual-stack
          `[::]` is looked up in both. Two exceptions let a found socket pass: in `in_pcbbind()`, when the new socket's
          IPv4 address and the found socket's are both INADDR_ANY and both sockets are AF_INET6 (a `[::ffff:0.0.0.0]`
          bind beside a dual-stack `[::]`); in `in6_pcbbind()`'s IPv4 lookup for a dual-stack `[::]`, when the found
          socket is an AF_INET socket on `0.0.0.0` (so a dual-stack `[::]` joins an AF_INET `0.0.0.0`, not the reverse).
          Two `[::]` sockets always meet in the IPv6 lookup.
        - A v4-mapped address is bound as IPv4 by `tcp6_usr_bind()`/`udp6_bind()`; on a V6ONLY socket it goes to
          `in6_pcbbind()`, which finds no interface with that address: `EADDRNOTAVAIL`.
        - TCP and UDP have separate tables (`tcbinfo`, `udbinfo`).

        Sources: apple-oss-distributions/xnu (xnu-11417.101.15, commit e3723e1f17661b24996789d8afc084c0c3303b26) bsd/netinet/in_pcb.c, bsd/netinet6/in6_pcb.c, bsd/netinet/tcp_usrreq.c;
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

        var wild = !socket.ReuseAddress && !socket.ReusePort;
        var inUse = !socket.IsIPv6 || mappedAsIPv4
            ? InPcbBind(socket, mappedAsIPv4 ? socket.Address.MapToIPv4() : socket.Address, wild, bound)
            : In6PcbBind(socket, wild, bound);
        return inUse ? CellOutcome.Refused(Step.Bind, SocketError.AddressAlreadyInUse) : CellOutcome.Ok;
    }

    /// <summary>tcp_usr_listen() only binds an unbound socket; a bound one is never checked again.</summary>
    public override CellOutcome Listen(SocketSpec socket, IReadOnlyList<SocketSpec> others) =>
        socket.Transport == Transport.Udp ? CellOutcome.Refused(Step.Listen, SocketError.OperationNotSupported) : CellOutcome.Ok;

    /// <summary>
    /// in_pcbbind() (bsd/netinet/in_pcb.c lines 1087-1112 at xnu-11417.101.15): <c>t = in_pcblookup_local(pcbinfo, addr,
    /// lport, wild); if (t != NULL &amp;&amp; (reuseport &amp; t->so_options) == 0)</c> refuse, unless <c>addr</c> and
    /// <c>t->inp_laddr</c> are both INADDR_ANY and both sockets are PF_INET6. Only the one socket the lookup returns is
    /// judged.
    /// </summary>
    private static bool InPcbBind(SocketSpec socket, IPAddress address, bool wild, IReadOnlyList<SocketSpec> bound)
    {
        if (LookupLocal(socket.Transport, address, wild, bound, LocalIPv4, IPAddress.Any) is not { } t)
        {
            return false;
        }

        var taken = LocalIPv4(t)!;
        return !(socket.ReusePort && t.ReusePort)
            && (!address.Equals(IPAddress.Any) || !taken.Equals(IPAddress.Any) || !socket.IsIPv6 || !t.IsIPv6);
    }

    /// <summary>
    /// in6_pcbbind() (bsd/netinet6/in6_pcb.c lines 460-495): the IPv6 lookup (<c>(reuseport &amp; t->so_options) == 0</c>
    /// → refused), then for a dual-stack <c>[::]</c> the IPv4 lookup of INADDR_ANY, whose one result refuses only when
    /// also <c>(t->inp_laddr.s_addr != INADDR_ANY || SOCK_DOM(so) == SOCK_DOM(t->inp_socket))</c>.
    /// </summary>
    private static bool In6PcbBind(SocketSpec socket, bool wild, IReadOnlyList<SocketSpec> bound)
    {
        if (LookupLocal(socket.Transport, socket.Address, wild, bound, LocalIPv6, IPAddress.IPv6Any) is { } t6
            && !(socket.ReusePort && t6.ReusePort))
        {
            return true;
        }

        if (socket.V6Only || !socket.Address.Equals(IPAddress.IPv6Any)
            || LookupLocal(socket.Transport, IPAddress.Any, wild, bound, LocalIPv4, IPAddress.Any) is not { } t4)
        {
            return false;
        }

        return !(socket.ReusePort && t4.ReusePort) && (!LocalIPv4(t4)!.Equals(IPAddress.Any) || t4.IsIPv6);
    }

    /// <summary>
    /// in_pcblookup_local() / in6_pcblookup_local() (in_pcb.c lines 2374-2463, in6_pcb.c lines 1232-1317) return ONE
    /// socket, not every socket on the port. Without <c>wild</c>: the first unconnected socket on exactly
    /// <paramref name="wanted"/>. With <c>wild</c>: the best fit, the socket needing the fewest wildcards (an identical
    /// address none, a wildcard on either side one), the first such on a tie. Both lists are searched newest first,
    /// because in_pcbinshash() inserts with LIST_INSERT_HEAD (in_pcb.c lines 2852-2853).
    /// </summary>
    private static SocketSpec? LookupLocal(
        Transport transport, IPAddress wanted, bool wild, IReadOnlyList<SocketSpec> bound, Func<SocketSpec, IPAddress?> local, IPAddress any)
    {
        SocketSpec? match = null;
        var fewest = int.MaxValue;
        for (var i = bound.Count - 1; i >= 0; i--)
        {
            var t = bound[i];
            if (t.Transport != transport || local(t) is not { } taken)
            {
                continue;
            }

            var wildcards = taken.Equals(wanted) ? 0
                : wild && (taken.Equals(any) || wanted.Equals(any)) ? 1
                : int.MaxValue;
            if (wildcards < fewest)
            {
                (match, fewest) = (t, wildcards);
                if (wildcards == 0)
                {
                    break;
                }
            }
        }

        return match;
    }

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
